"""Reads of relief campaigns, always through a Scope; figures computed from the records.

A campaign is seen by the unions of its own subtree and by the staff of any site it hands
out at (a community union's officers scanning for their street union's campaign). Hardship
files are seen only through roles granted Perm.HARDSHIP.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.care.cache import hand_out_context
from gonghui.care.models import (
    CampaignSite,
    CareCampaign,
    Distribution,
    HardshipAssistance,
    HardshipCase,
    Item,
    LimitGroup,
    Site,
    SpendingRule,
    StockBalance,
    StockMovement,
)
from gonghui.core.errors import NotFoundError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.members.models import EmploymentForm, WorkerGroup
from gonghui.orgs.models import Org


def _in_scope(scope: Scope, lookup: str) -> Q:
    return Q(**{f"{lookup}__in": scope.orgs().order_by().values("pk")})


def campaign_list(scope: Scope, *, status: str = "") -> QuerySet[CareCampaign]:
    visible = CareCampaign.objects.filter(
        _in_scope(scope, "org")
        | Q(pk__in=CampaignSite.objects.filter(_in_scope(scope, "org")).values("campaign_id"))
    )
    if status:
        visible = visible.filter(status=status)
    return visible.select_related("org", "kit", "limit_group").order_by("-starts_on", "-pk")


def get_campaign_for(scope: Scope, campaign_id: int, *, perm: Perm = Perm.VIEW) -> CareCampaign:
    campaign = campaign_list(scope).filter(pk=campaign_id).first()
    if campaign is None:
        raise NotFoundError()
    if perm != Perm.VIEW:
        scope.require(perm, campaign.org)
    return campaign


def campaign_sites(scope: Scope, campaign: CareCampaign) -> QuerySet[CampaignSite]:
    rows = campaign.sites.select_related("site", "org").prefetch_related("staff")
    if scope.covers(campaign.org):
        return rows.order_by("site__name")
    return rows.filter(_in_scope(scope, "org")).order_by("site__name")


def get_campaign_site_for(scope: Scope, campaign_id: int, campaignsite_id: int) -> CampaignSite:
    """A campaign site to hand out at, its campaign, site and orgs loaded: seen by the
    campaign union's subtree and by the site union's (as campaign_list and campaign_sites
    have it). From the per-process cache of the hand-out path: read-only."""
    context = hand_out_context(campaign_id, campaignsite_id)
    if context is None:
        raise NotFoundError()
    row = context.row
    if not (scope.covers(row.campaign.org) or scope.covers(row.org)):
        raise NotFoundError()
    return row


def site_list(scope: Scope) -> QuerySet[Site]:
    return scope.filter(Site.objects.select_related("org")).order_by("org__path", "name")


def get_site_for(scope: Scope, site_id: int, *, perm: Perm = Perm.VIEW) -> Site:
    return get_scoped(scope, Site.objects.select_related("org"), perm=perm, pk=site_id)


def _ancestor_paths(scope: Scope) -> list[str]:
    paths: set[str] = set()
    for grant in scope.grants:
        path = grant.org_path
        paths |= {path[:n] for n in range(Org.steplen, len(path) + 1, Org.steplen)}
    return sorted(paths)


def item_list(scope: Scope, *, kits: bool | None = None) -> QuerySet[Item]:
    """Supplies of the subtree, and those of the unions above it (which it may stock)."""
    items = Item.objects.filter(_in_scope(scope, "org") | Q(org__path__in=_ancestor_paths(scope)))
    if kits is not None:
        items = items.filter(is_kit=kits)
    return items.select_related("org").order_by("is_kit", "name", "pk")


def get_item_for(scope: Scope, item_id: int) -> Item:
    item = item_list(scope).filter(pk=item_id).first()
    if item is None:
        raise NotFoundError()
    return item


def limit_group_list(scope: Scope) -> QuerySet[LimitGroup]:
    return LimitGroup.objects.filter(
        _in_scope(scope, "org") | Q(org__path__in=_ancestor_paths(scope))
    ).order_by("-starts_on")


def rule_list(scope: Scope) -> QuerySet[SpendingRule]:
    """Rules set in the subtree and the rules above it that bind it."""
    return (
        SpendingRule.objects.filter(
            _in_scope(scope, "org") | Q(org__path__in=_ancestor_paths(scope))
        )
        .select_related("org")
        .order_by("org__path", "name")
    )


def get_rule_for(scope: Scope, rule_id: int, *, perm: Perm = Perm.VIEW) -> SpendingRule:
    return get_scoped(scope, SpendingRule.objects.select_related("org"), perm=perm, pk=rule_id)


def balance_list(
    scope: Scope, *, site_id: int | None = None, item_id: int | None = None
) -> QuerySet[StockBalance]:
    rows = scope.filter(StockBalance.objects.select_related("site", "item", "org"))
    if site_id:
        rows = rows.filter(site_id=site_id)
    if item_id:
        rows = rows.filter(item_id=item_id)
    return rows.order_by("site__name", "item__is_kit", "item__name")


def movement_list(
    scope: Scope, *, site_id: int | None = None, item_id: int | None = None
) -> QuerySet[StockMovement]:
    rows = scope.filter(StockMovement.objects.select_related("site", "item", "by"))
    if site_id:
        rows = rows.filter(site_id=site_id)
    if item_id:
        rows = rows.filter(item_id=item_id)
    return rows.order_by("-at", "-pk")


def distribution_list(
    scope: Scope,
    *,
    campaign_id: int | None = None,
    site_id: int | None = None,
    org_id: int | None = None,
    day: date | None = None,
    target: str = "",
    voided: bool | None = False,
) -> QuerySet[Distribution]:
    """Hand-outs at the sites in scope; the campaign union sees all of its campaign's."""
    rows = scope.filter(Distribution.objects.all())
    if campaign_id:
        rows = rows.filter(campaign_id=campaign_id)
    if site_id:
        rows = rows.filter(site_id=site_id)
    if org_id:
        org = scope.orgs().filter(pk=org_id).first()
        rows = rows.filter(org__path__startswith=org.path) if org else rows.none()
    if day:
        rows = rows.filter(day=day)
    if target:
        rows = rows.filter(target=target)
    if voided is not None:
        rows = rows.filter(voided_at__isnull=not voided)
    return rows.select_related("campaign", "site", "org", "worker", "handed_by").order_by(
        "-handed_at", "-pk"
    )


def get_distribution_for(
    scope: Scope, distribution_id: int, *, perm: Perm = Perm.VIEW
) -> Distribution:
    return get_scoped(
        scope,
        Distribution.objects.select_related("campaign", "site", "org", "worker"),
        perm=perm,
        pk=distribution_id,
    )


# -- figures ------------------------------------------------------------------------------


@dataclass
class FigureLine:
    key: str
    label: str
    person_times: int
    people: int
    value_fen: int
    query: str = ""  # filter for the drill-down list


@dataclass
class CareFigures:
    as_of: datetime
    person_times: int
    people: int
    value_fen: int
    by_target: list[FigureLine] = field(default_factory=list)
    by_site: list[FigureLine] = field(default_factory=list)
    by_org: list[FigureLine] = field(default_factory=list)
    by_day: list[FigureLine] = field(default_factory=list)

    @property
    def breakdowns(self) -> list[tuple[str, list[FigureLine]]]:
        return [
            (_("By group"), self.by_target),
            (_("By site"), self.by_site),
            (_("By union"), self.by_org),
            (_("By day"), self.by_day),
        ]


def target_labels() -> dict[str, str]:
    labels = {code: str(label) for code, label in EmploymentForm.choices}
    labels.update(dict(WorkerGroup.objects.values_list("code", "name")))
    return labels


def _lines(rows, key: str, labels, query: str) -> list[FigureLine]:
    return [
        FigureLine(
            str(row[key]),
            labels(row),
            row["n"],
            row["people"],
            row["value"] or 0,
            f"{query}={row[key]}",
        )
        for row in rows
    ]


def care_figures(scope: Scope, *, campaign_id: int | None = None) -> CareFigures:
    """Person-times, distinct people and value handed out, by target group, site, union and
    day: over the scope's subtree (or one campaign's hand-outs in it), voids left out."""
    rows = distribution_list(scope, campaign_id=campaign_id).order_by()
    total = rows.aggregate(
        n=Count("pk"), people=Count("worker", distinct=True), value=Sum("value_fen")
    )
    measures = {
        "n": Count("pk"),
        "people": Count("worker", distinct=True),
        "value": Sum("value_fen"),
    }
    labels = target_labels()
    by_target = rows.values("target").annotate(**measures).order_by("-n", "target")
    by_site = rows.values("site_id", "site__name").annotate(**measures).order_by("site__name")
    by_org = (
        rows.values("org_id", "org__name", "org__path").annotate(**measures).order_by("org__path")
    )
    by_day = rows.values("day").annotate(**measures).order_by("day")
    return CareFigures(
        as_of=timezone.now(),
        person_times=total["n"],
        people=total["people"],
        value_fen=total["value"] or 0,
        by_target=_lines(
            by_target, "target", lambda r: labels.get(r["target"], r["target"]), "target"
        ),
        by_site=_lines(by_site, "site_id", lambda r: r["site__name"], "site"),
        by_org=_lines(by_org, "org_id", lambda r: r["org__name"], "org"),
        by_day=_lines(by_day, "day", lambda r: r["day"].strftime("%Y-%m-%d"), "day"),
    )


def stock_totals(scope: Scope) -> list[dict]:
    """Stock in the subtree by item: [{"item__name", "item__unit", "item__is_kit", "qty"}]."""
    rows = (
        scope.filter(StockBalance.objects.all())
        .values("item_id", "item__name", "item__unit", "item__is_kit")
        .annotate(qty=Sum("quantity"))
    )
    return list(rows.order_by("item__is_kit", "item__name"))


# -- hardship files -----------------------------------------------------------------------


def hardship_q(scope: Scope, lookup: str = "org__path") -> Q:
    """Rows under the roles granted Perm.HARDSHIP only; nothing for anyone else."""
    condition = Q(pk__in=[])
    for grant in scope.grants:
        if Perm.HARDSHIP in grant.perms:
            condition |= Q(**{f"{lookup}__startswith": grant.org_path})
    return condition


def hardship_list(scope: Scope, *, status: str = "") -> QuerySet[HardshipCase]:
    cases = HardshipCase.objects.filter(hardship_q(scope))
    if status:
        cases = cases.filter(status=status)
    return (
        cases.select_related("org", "worker")
        .annotate(assisted_fen=Sum("assistance__amount_fen"))
        .order_by("-applied_on", "-pk")
    )


def get_hardship_for(scope: Scope, hardshipcase_id: int) -> HardshipCase:
    case = (
        HardshipCase.objects.filter(hardship_q(scope), pk=hardshipcase_id)
        .select_related(
            "org", "worker", "worker__employer", "decided_org", "assessed_by", "decided_by"
        )
        .first()
    )
    if case is None:
        raise NotFoundError()
    return case


def hardship_totals(scope: Scope) -> dict:
    cases = HardshipCase.objects.filter(hardship_q(scope)).order_by()
    by_status = dict(cases.values_list("status").annotate(n=Count("pk")))
    help_rows = HardshipAssistance.objects.filter(hardship_q(scope)).order_by()
    by_kind = dict(help_rows.values_list("kind").annotate(v=Sum("amount_fen")))
    return {"by_status": by_status, "by_kind": by_kind, "total": sum(by_status.values())}
