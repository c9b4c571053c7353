"""What a hand-out needs to know about its campaign site, kept per process.

A scan is the hot path of a campaign: dozens of phones at a site, each scan a request. The
campaign, its site, the site's staff, the target groups, what each recipient gets and the
spending rules in force change rarely (only through the services of campaigns.py, which
forget this cache), so each app server process keeps them for LOCAL_CACHE_SECONDS instead of
reading them on every scan. Nothing here decides "once per person" or "never below zero": the
database does, on every hand-out. Closing a campaign takes effect at once everywhere: the
hand-out's insert checks the campaign's status in the same statement.

Unscoped by design: callers authorise first (selectors.get_campaign_site_for).
"""

from __future__ import annotations

from dataclasses import dataclass

from gonghui.care.models import CampaignSite, Item, RuleKind, SpendingRule
from gonghui.core.localcache import LocalCache


@dataclass(frozen=True)
class HandOutContext:
    """A campaign site (with its campaign, site and their orgs loaded) and the rest a
    hand-out there needs. Shared between requests: read-only."""

    row: CampaignSite
    staff_ids: frozenset[int]
    target_groups: frozenset[str]
    parts: tuple[tuple[Item, int], ...]  # what one recipient gets
    caps: tuple[SpendingRule, ...]  # yearly caps in force for the campaign's union

    @property
    def value_fen(self) -> int:
        return sum(item.unit_value_fen * n for item, n in self.parts)


_contexts: LocalCache[HandOutContext] = LocalCache("care.hand_out_context")


def _load(campaign_id: int, campaignsite_id: int) -> HandOutContext | None:
    from gonghui.care.services.campaigns import per_person, rules_for

    row = (
        CampaignSite.objects.select_related(
            "campaign__org", "campaign__kit", "campaign__limit_group", "site__org", "org"
        )
        .filter(pk=campaignsite_id, campaign_id=campaign_id)
        .first()
    )
    if row is None:
        return None
    campaign = row.campaign
    return HandOutContext(
        row=row,
        staff_ids=frozenset(row.staff.values_list("pk", flat=True)),
        target_groups=frozenset(campaign.target_groups.values_list("code", flat=True)),
        parts=tuple(per_person(campaign)),
        caps=tuple(r for r in rules_for(campaign.org) if r.kind == RuleKind.YEARLY_CAP),
    )


def hand_out_context(campaign_id: int, campaignsite_id: int) -> HandOutContext | None:
    key = (campaign_id, campaignsite_id)
    return _contexts.get(key, lambda: _load(campaign_id, campaignsite_id))


def forget_hand_out_contexts() -> None:
    """After a campaign, its sites or a spending rule changed (in this process; others
    within LOCAL_CACHE_SECONDS)."""
    _contexts.forget()
