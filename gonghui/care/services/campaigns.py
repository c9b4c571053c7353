"""Campaigns, their sites and staff, limit groups, and the spending rules they must keep."""

from __future__ import annotations

from datetime import date

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.care.cache import forget_hand_out_contexts
from gonghui.care.models import (
    CampaignItem,
    CampaignSite,
    CampaignStatus,
    CareCampaign,
    Item,
    ItemCategory,
    LimitGroup,
    RuleKind,
    Site,
    SpendingRule,
)
from gonghui.care.services.stock import _active, _quantity, _text, _value, kit_components
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members.models import EmploymentForm, WorkerGroup
from gonghui.orgs.models import Org


class RuleBroken(ApplicationError):
    """A spending rule would be broken; the message names the rule and its regulation."""

    def __init__(self, rule: SpendingRule, detail: str) -> None:
        super().__init__(
            _("Refused by the rule “%(rule)s” (%(regulation)s): %(detail)s")
            % {"rule": rule.name, "regulation": rule.regulation, "detail": detail},
            code="rule_broken",
        )
        self.rule = rule


def rules_for(org: Org) -> list[SpendingRule]:
    """Rules in force for campaigns of ``org``: those set by it or any union above it."""
    ancestors = [org.path[:n] for n in range(Org.steplen, len(org.path) + 1, Org.steplen)]
    return list(
        SpendingRule.objects.filter(active=True, org__path__in=ancestors).select_related("org")
    )


def per_person(campaign: CareCampaign) -> list[tuple[Item, int]]:
    """What one recipient gets: the kit, or the loose items."""
    if campaign.kit_id:
        return [(campaign.kit, 1)]
    return [(row.item, row.quantity) for row in campaign.items.select_related("item")]


def per_person_value(campaign: CareCampaign) -> int:
    return sum(item.unit_value_fen * n for item, n in per_person(campaign))


def _categories(campaign: CareCampaign) -> set[str]:
    found = set()
    for item, _n in per_person(campaign):
        if item.is_kit:
            found |= {part.category for part, _q in kit_components(item)}
        else:
            found.add(item.category)
    return found


def check_campaign_rules(campaign: CareCampaign) -> None:
    """Refuse a campaign whose hand-out would break a rule whatever happens at the sites."""
    labels = dict(ItemCategory.choices)
    for rule in rules_for(campaign.org):
        if rule.kind == RuleKind.FORBIDDEN_CATEGORIES:
            bad = sorted(_categories(campaign) & set(rule.categories))
            if bad:
                raise RuleBroken(
                    rule,
                    _("a campaign may not hand out %(what)s.")
                    % {"what": "、".join(str(labels[c]) for c in bad)},
                )
        elif rule.kind == RuleKind.YEARLY_CAP and per_person_value(campaign) > rule.amount_fen:
            raise RuleBroken(
                rule,
                _("one hand-out is worth ¥%(value)s, above the yearly cap of ¥%(cap)s per person.")
                % {"value": yuan(per_person_value(campaign)), "cap": yuan(rule.amount_fen)},
            )


def yuan(fen: int) -> str:
    return f"{fen / 100:,.2f}"


def _period(starts_on: date, ends_on: date) -> None:
    if ends_on < starts_on:
        raise ApplicationError(
            _("The period ends before it starts."), fields={"ends_on": [_("Before the start.")]}
        )


def limit_group_create(
    *, scope: Scope, org: Org, name: str, starts_on: date, ends_on: date
) -> LimitGroup:
    """Campaigns of this group count as one: a person receives once across all of them."""
    scope.require(Perm.EDIT, org)
    _active(org)
    name = _text(name, "name", 100)
    _period(starts_on, ends_on)
    with transaction.atomic():
        group = LimitGroup.objects.create(org=org, name=name, starts_on=starts_on, ends_on=ends_on)
        audit_record(
            action="care.limit_group_create",
            scope=scope,
            org=org,
            target=group,
            after={
                "name": name,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
            },
        )
    return group


def _usable_item(org: Org, item: Item) -> bool:
    return org.path.startswith(Org.objects.get(pk=item.org_id).path)


def campaign_create(
    *,
    scope: Scope,
    org: Org,
    name: str,
    starts_on: date,
    ends_on: date,
    kit: Item | None = None,
    items: list[tuple[Item, int]] = (),
    target_groups: list[str] = (),
    target_forms: list[str] = (),
    limit_group: LimitGroup | None = None,
    description: str = "",
) -> CareCampaign:
    """A campaign in draft: what each recipient gets (``kit`` or loose ``items``), for whom,
    when, and what "once per person" counts against (the campaign, or ``limit_group``)."""
    scope.require(Perm.EDIT, org)
    _active(org)
    name, description = (
        _text(name, "name", 100),
        _text(description, "description", 2000, required=False),
    )
    _period(starts_on, ends_on)
    errors: dict[str, list[str]] = {}
    if bool(kit) == bool(items):
        errors["kit"] = [_("Choose a kit, or loose supplies, for each recipient.")]
    if kit is not None and (not kit.is_kit or not _usable_item(org, kit)):
        errors["kit"] = [_("Choose a kit of this union or the unions above it.")]
    for item, quantity in items:
        _quantity(quantity, "items")
        if item.is_kit or not _usable_item(org, item):
            errors["items"] = [_("Choose supplies of this union or the unions above it.")]
    groups = list(WorkerGroup.objects.filter(code__in=list(target_groups)))
    if len(groups) != len(set(target_groups)):
        errors["target_groups"] = [_("Unknown group.")]
    if set(target_forms) - set(EmploymentForm.values):
        errors["target_forms"] = [_("Unknown employment form.")]
    if limit_group is not None:
        group_org = Org.objects.get(pk=limit_group.org_id)
        if not org.path.startswith(group_org.path):
            errors["limit_group"] = [_("Choose a limit group of this union or one above it.")]
        elif not (limit_group.starts_on <= starts_on and ends_on <= limit_group.ends_on):
            errors["limit_group"] = [_("The campaign must lie within the limit group's period.")]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        campaign = CareCampaign.objects.create(
            org=org,
            name=name,
            description=description,
            starts_on=starts_on,
            ends_on=ends_on,
            kit=kit,
            limit_group=limit_group,
            target_forms=sorted(set(target_forms)),
        )
        campaign.target_groups.set(groups)
        CampaignItem.objects.bulk_create(
            CampaignItem(campaign=campaign, item=item, quantity=q) for item, q in items
        )
        check_campaign_rules(campaign)
        audit_record(
            action="care.campaign_create",
            scope=scope,
            org=org,
            target=campaign,
            after={
                "name": name,
                "starts_on": starts_on.isoformat(),
                "ends_on": ends_on.isoformat(),
                "kit": kit.name if kit else None,
                "supplies": {i.name: q for i, q in items},
                "target_groups": sorted(target_groups),
                "target_forms": sorted(target_forms),
                "limit_group": limit_group.name if limit_group else None,
            },
        )
    return campaign


def campaign_set_status(*, scope: Scope, campaign: CareCampaign, status: str) -> CareCampaign:
    """Open a campaign for hand-outs (its rules are checked again), or close it."""
    scope.require(Perm.EDIT, campaign.org)
    if status not in CampaignStatus.values:
        raise ApplicationError(_("Choose a valid status."), fields={"status": [_("Invalid.")]})
    with transaction.atomic():
        campaign = CareCampaign.objects.select_for_update().get(pk=campaign.pk)
        if campaign.status == status:
            return campaign
        if status == CampaignStatus.OPEN:
            check_campaign_rules(campaign)
            if not campaign.sites.exists():
                raise ApplicationError(_("Add at least one site before opening the campaign."))
        before = {"status": campaign.status}
        campaign.status = status
        campaign.save(update_fields=["status"])
        forget_hand_out_contexts()
        audit_record(
            action="care.campaign_status",
            scope=scope,
            org=campaign.org,
            target=campaign,
            before=before,
            after={"status": status},
        )
    return campaign


def campaign_site_add(
    *, scope: Scope, campaign: CareCampaign, site: Site, staff=()
) -> CampaignSite:
    """Hand out at ``site`` (a site of the campaign's union or one below it); ``staff`` may
    scan there besides the campaign union's own officers."""
    scope.require(Perm.EDIT, campaign.org)
    if not site.org.path.startswith(campaign.org.path):
        raise ApplicationError(
            _("Choose a site of this union or a union below it."), fields={"site": [_("Invalid.")]}
        )
    staff = list(staff)
    for user in staff:
        if not user.roles.filter(org__path__in=_ancestors(site.org)).exists():
            raise ApplicationError(
                _("%(name)s holds no role over this site's union.") % {"name": user},
                fields={"staff": [_("Invalid.")]},
            )
    try:
        with transaction.atomic():
            row = CampaignSite.objects.create(campaign=campaign, site=site, org_id=site.org_id)
            row.staff.set(staff)
            forget_hand_out_contexts()
            audit_record(
                action="care.campaign_site_add",
                scope=scope,
                org=campaign.org,
                target=campaign,
                extra={"site": site.name, "staff": [u.username for u in staff]},
            )
    except IntegrityError:
        raise ConflictError(_("The campaign already hands out at this site.")) from None
    return row


def _ancestors(org: Org) -> list[str]:
    return [org.path[:n] for n in range(Org.steplen, len(org.path) + 1, Org.steplen)]


def rule_create(
    *,
    scope: Scope,
    org: Org,
    name: str,
    kind: str,
    regulation: str,
    amount_fen: int | None = None,
    categories: list[str] = (),
) -> SpendingRule:
    """A spending rule for every campaign of ``org``'s subtree, citing its regulation."""
    scope.require(Perm.EDIT, org)
    _active(org)
    name, regulation = _text(name, "name", 100), _text(regulation, "regulation", 300)
    if kind == RuleKind.YEARLY_CAP:
        if amount_fen is None or _value(amount_fen, "amount") <= 0:
            raise ApplicationError(_("Give the yearly cap."), fields={"amount": [_("Required.")]})
        categories = []
    elif kind == RuleKind.FORBIDDEN_CATEGORIES:
        categories = sorted(set(categories))
        if not categories or set(categories) - set(ItemCategory.values):
            raise ApplicationError(
                _("Choose the kinds of supplies the rule forbids."),
                fields={"categories": [_("Required.")]},
            )
        amount_fen = None
    else:
        raise ApplicationError(_("Choose a kind of rule."), fields={"kind": [_("Invalid.")]})
    with transaction.atomic():
        rule = SpendingRule.objects.create(
            org=org,
            name=name,
            kind=kind,
            regulation=regulation,
            amount_fen=amount_fen,
            categories=categories,
        )
        forget_hand_out_contexts()
        audit_record(
            action="care.rule_create",
            scope=scope,
            org=org,
            target=rule,
            after={
                "name": name,
                "kind": kind,
                "regulation": regulation,
                "amount_fen": amount_fen,
                "categories": categories,
            },
        )
    return rule


def rule_set_active(*, scope: Scope, rule: SpendingRule, active: bool) -> SpendingRule:
    scope.require(Perm.EDIT, rule.org)
    with transaction.atomic():
        rule = SpendingRule.objects.select_for_update().get(pk=rule.pk)
        if rule.active != active:
            rule.active = active
            rule.save(update_fields=["active"])
            forget_hand_out_contexts()
            audit_record(
                action="care.rule_active",
                scope=scope,
                org=rule.org,
                target=rule,
                before={"active": not active},
                after={"active": active},
            )
    return rule
