"""Handing out (发放): find the person, hand out once, void with a reason.

"Once" is the database's to decide: each Distribution carries a limit key (its campaign, or
the limit group spanning several campaigns) and a partial unique index on (worker, limit
key) among rows not voided refuses a second one, at whichever site and however many scans
arrive at once. Every scan carries a request id made by the phone; it is unique too, so a
scan retried after a timeout gets the first answer back instead of a second kit.
"""

from __future__ import annotations

import re
import uuid
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, transaction
from django.db.models import F, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.cache import HandOutContext, forget_hand_out_contexts, hand_out_context
from gonghui.care.models import (
    CampaignSite,
    CampaignStatus,
    CareCampaign,
    Distribution,
    Item,
    MovementKind,
    RuleKind,
    RuleTotal,
    Site,
    SpendingRule,
    StockBalance,
    StockMovement,
)
from gonghui.care.services.campaigns import RuleBroken, per_person, rules_for, yuan
from gonghui.care.services.stock import Change, StockShort, _text, apply_changes
from gonghui.core import fastsql
from gonghui.core.audit import audit_event, audit_record
from gonghui.core.crypto import blind_index
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from gonghui.core.fastsql import fetch_brief, fetch_brief_beside, insert_parts, mark_saved
from gonghui.core.identity import (
    IdentityError,
    normalise_id_number,
    normalise_phone,
    normalise_text,
    parse_id_number,
)
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members.identity import worker_id_from_qr
from gonghui.members.models import EmploymentForm, Worker
from gonghui.members.services import worker_create
from gonghui.members.services.identity import worker_for_phone_index
from gonghui.orgs.models import Org

CHINA_TZ = ZoneInfo("Asia/Shanghai")
ID_LIKE = re.compile(r"^\d{15,17}[\dX]$")


@dataclass(frozen=True)
class HandOut:
    distribution: Distribution
    created: bool  # False: a retried scan, answered with the first result


class AlreadyReceived(ConflictError):
    """The person already received under this campaign (or its limit group)."""

    def __init__(self, earlier: Distribution) -> None:
        when = timezone.localtime(earlier.handed_at).strftime("%Y-%m-%d %H:%M")
        super().__init__(
            _(
                "%(name)s already received “%(campaign)s” on %(when)s at %(site)s (%(org)s); "
                "one per person."
            )
            % {
                "name": earlier.worker.name,
                "campaign": earlier.campaign.name,
                "when": when,
                "site": earlier.site.name,
                "org": earlier.org.name,
            },
            fields={"worker": [_("Already received.")]},
        )
        self.code = "already_received"
        self.earlier = earlier


def china_now(at: datetime | None = None) -> datetime:
    return (at or timezone.now()).astimezone(CHINA_TZ)


def can_hand_out(scope: Scope, campaign_site: CampaignSite) -> bool:
    """The campaign union's officers anywhere; the site's listed staff at their site."""
    return _may_hand_out(scope, _context_of(campaign_site))


def _may_hand_out(scope: Scope, context: HandOutContext) -> bool:
    row = context.row
    if scope.can(Perm.EDIT, row.campaign.org):
        return True
    return scope.can(Perm.EDIT, row.site.org) and getattr(scope.user, "pk", None) in (
        context.staff_ids
    )


def _context_of(campaign_site: CampaignSite) -> HandOutContext:
    context = hand_out_context(campaign_site.campaign_id, campaign_site.pk)
    if context is None:  # deleted under our feet: nothing to hand out from
        raise NotFoundError()
    return context


# What a hand-out reads of its recipient (find_recipient(brief=True)); the rest on demand.
BRIEF_WORKER_FIELDS = ("id", "org", "name", "phone_masked", "employer", "employment_form")


def find_recipient(code: str, *, brief: bool = False) -> Worker | None:
    """The worker behind what was scanned or typed: the personal QR code of /h5/me/, a
    resident ID number or a mobile number (through their blind indexes). The whole register
    is searched: a courier registered in one street collects in another. A malformed ID or
    phone raises with the reason. ``brief``: only what a hand-out needs, in one plain query
    (the scan API's hot path); other fields load when touched."""
    if brief:
        return _find(code, _brief_worker)
    return _find(code, _full_worker)


def _full_worker(column: str, value) -> Worker | None:
    if column == "phone_index":
        return worker_for_phone_index(value)
    return Worker.objects.select_related("org", "employer").filter(**{column: value}).first()


def find_recipient_beside(code: str, beside: tuple[str, list]) -> tuple[Worker | None, tuple]:
    """``find_recipient(code, brief=True)`` whose query also runs ``beside`` (a SELECT of
    one row: the scanning client's token still good, accounts.token_check_sql) in the same
    round trip; the worker or None, and beside's row. Raises as find_recipient does for a
    malformed code, before any query."""
    found: list[tuple] = []

    def fetch(column: str, value) -> Worker | None:
        row, worker = fetch_brief_beside(
            Worker, BRIEF_WORKER_FIELDS, *_brief_where(column, value), beside
        )
        found.append(row)
        return worker

    worker = _find(code, fetch)
    return worker, found[0]


def _brief_worker(column: str, value) -> Worker | None:
    return fetch_brief(Worker, BRIEF_WORKER_FIELDS, *_brief_where(column, value))


def _brief_where(column: str, value) -> tuple[str, list]:
    # the same choice as worker_for_phone_index among several rows: the latest updated
    order = " ORDER BY updated_at DESC, id DESC" if column == "phone_index" else ""
    return f"{column} = %s{order}", [value]


def _find(code: str, fetch) -> Worker | None:
    text = normalise_text(code)
    if not text:
        raise ApplicationError(
            _("Scan the code, or type an ID or phone number."), fields={"code": [_("Required.")]}
        )
    worker_id = worker_id_from_qr(text) if ":" in text else None
    if worker_id is not None:
        return fetch("id", worker_id)
    number = normalise_id_number(text)
    if ID_LIKE.match(number):
        try:
            parse_id_number(number, today=timezone.localdate())
        except IdentityError as exc:
            raise ApplicationError(str(exc.reason), fields={"code": [str(exc.reason)]}) from None
        return fetch("id_number_index", blind_index("id_number", number))
    phone = normalise_phone(text)
    if phone.isdigit() and len(phone) == 11 and phone.startswith("1"):
        return fetch("phone_index", blind_index("phone", phone))
    message = _(
        "Not a personal QR code, resident ID number or mobile number; a QR code "
        "older than 15 minutes must be refreshed on the worker's phone."
    )
    raise ApplicationError(message, fields={"code": [message]})


def target_of(campaign, worker: Worker, groups: frozenset[str] | None = None) -> str | None:
    """What the person is counted as in this campaign (an employment form or a group code),
    or None if the campaign is not for them. ``groups``: the campaign's target group codes,
    when the caller already holds them."""
    if groups is None:
        groups = frozenset(g.code for g in campaign.target_groups.all())
    if not groups and not campaign.target_forms:
        return worker.employment_form
    if worker.employment_form in campaign.target_forms:
        return worker.employment_form
    mine = sorted(groups & set(worker.groups.values_list("code", flat=True)))
    return mine[0] if mine else None


def _replay(request_id: uuid.UUID) -> Distribution | None:
    return Distribution.objects.filter(request_id=request_id).first()


def _replayed(earlier: Distribution, worker: Worker, campaign_site: CampaignSite) -> HandOut:
    if earlier.worker_id != worker.pk or earlier.campaign_id != campaign_site.campaign_id:
        raise ConflictError(_("This scan was already used for someone else; scan again."))
    return HandOut(earlier, False)


def _check_open(campaign, day) -> None:
    if campaign.status != CampaignStatus.OPEN:
        raise ApplicationError(
            _("The campaign “%(name)s” is not open for hand-outs.") % {"name": campaign.name},
            code="campaign_closed",
        )
    if not campaign.starts_on <= day <= campaign.ends_on:
        raise ApplicationError(
            _("The campaign runs from %(start)s to %(end)s.")
            % {"start": campaign.starts_on, "end": campaign.ends_on},
            code="campaign_closed",
        )


def _charge(rules: list[SpendingRule], distribution: Distribution, year: int) -> None:
    """Add the hand-out's value to the person's yearly total under each cap, by conditional
    update: with the total's row locked, two hand-outs cannot both squeeze under the cap."""
    value = distribution.value_fen
    for rule in rules:
        rows = RuleTotal.objects.filter(rule=rule, worker_id=distribution.worker_id, year=year)
        if rows.filter(value_fen__lte=rule.amount_fen - value).update(
            value_fen=F("value_fen") + value
        ):
            continue
        if not rows.exists():
            RuleTotal.objects.bulk_create(
                [
                    RuleTotal(
                        rule=rule,
                        worker_id=distribution.worker_id,
                        year=year,
                        value_fen=_received(rule, distribution, year),
                    )
                ],
                ignore_conflicts=True,
            )
            if rows.filter(value_fen__lte=rule.amount_fen - value).update(
                value_fen=F("value_fen") + value
            ):
                continue
        had = rows.values_list("value_fen", flat=True).first() or 0
        raise RuleBroken(
            rule,
            _(
                "%(name)s has received ¥%(had)s this year; ¥%(value)s more "
                "would pass the cap of ¥%(cap)s per person."
            )
            % {
                "name": distribution.worker.name,
                "had": yuan(had),
                "value": yuan(value),
                "cap": yuan(rule.amount_fen),
            },
        )


def _received(rule: SpendingRule, distribution: Distribution, year: int) -> int:
    """The person's hand-outs this year under the rule's subtree before its total was kept
    (a rule set mid-year counts what came before it)."""
    earlier = Distribution.objects.filter(
        worker_id=distribution.worker_id,
        voided_at=None,
        handed_at__year=year,
        campaign__org__path__startswith=rule.org.path,
    ).exclude(pk=distribution.pk)
    return earlier.aggregate(v=Sum("value_fen"))["v"] or 0


def distribution_hand_out(
    *,
    scope: Scope,
    campaign_site: CampaignSite,
    worker: Worker,
    request_id: uuid.UUID,
    at: datetime | None = None,
) -> HandOut:
    """Hand the campaign's kit (or loose items) to ``worker`` at the site, once.

    Refused, with nothing changed, when the person already received (AlreadyReceived names
    when and where), is not among the campaign's targets, would pass a spending rule
    (RuleBroken names the rule), or the site's stock is short. A request id seen before
    returns the first result (``created=False``).

    The hot path of a campaign, so it reads what it can from the per-process cache
    (care/cache.py) and asks the database only what the database must decide: the insert is
    refused by the unique request id (a retry: answered with the first result) or by "one
    live hand-out per person" (a repeat: AlreadyReceived), and only then are the earlier rows
    read."""
    context = _context_of(campaign_site)
    if not _may_hand_out(scope, context):
        raise ForbiddenError(_("You are not staff of this site."))
    now = china_now(at)
    try:
        context, target = _check(context, worker, now)
    except ApplicationError:
        if (earlier := _replay(request_id)) is not None:
            return _replayed(earlier, worker, context.row)
        raise
    row, campaign = context.row, context.row.campaign
    distribution = Distribution(
        org_id=row.site.org_id,
        campaign=campaign,
        site=row.site,
        worker=worker,
        limit_key=campaign.limit_key,
        request_id=request_id,
        target=target,
        value_fen=context.value_fen,
        day=now.date(),
        handed_at=now,
        handed_by=_actor(scope),
    )
    if _in_one_statement(context):
        return _hand_out_at_once(context, distribution, scope=scope, worker=worker, now=now)
    try:
        with transaction.atomic():
            # The unique row first: parallel scans of one person queue here, before any stock.
            if not _insert_if_open(distribution):
                raise IntegrityError("campaign closed")  # closed since this process cached it
            _charge(list(context.caps), distribution, now.year)
            apply_changes(
                [Change(row.site, item, -n) for item, n in context.parts],
                kind_of=lambda c: MovementKind.HAND_OUT,
                by=_actor(scope),
                distribution=distribution,
                at=now,
            )
            audit_record(
                action="care.hand_out",
                scope=scope,
                org=row.site.org,
                target=distribution,
                extra={
                    "campaign": campaign.name,
                    "site": row.site.name,
                    "worker": worker.pk,
                    "target": target,
                },
            )
    except IntegrityError:
        return _refused(context, worker, request_id, now)
    return HandOut(distribution, True)


def _check(context: HandOutContext, worker: Worker, now: datetime):
    """The campaign is open today and for this person: the context (read again if the
    cached copy says closed, as it may have opened since) and what the person counts as."""
    try:
        _check_open(context.row.campaign, now.date())
    except ApplicationError:
        forget_hand_out_contexts()
        context = _context_of(context.row)
        _check_open(context.row.campaign, now.date())
    target = target_of(context.row.campaign, worker, context.target_groups)
    if target is None:
        raise ApplicationError(
            _("%(name)s is not among those this campaign is for.") % {"name": worker.name},
            code="not_a_target",
        )
    return context, target


def _insert_if_open(distribution: Distribution) -> bool:
    """INSERT the hand-out in one statement that also checks its campaign is still open
    (closing one is then immediate on every server, whatever they cached); False if not."""
    table, columns, marks, values = insert_parts(distribution)
    sql = (
        f"INSERT INTO {table} {columns} SELECT {marks} WHERE EXISTS (SELECT 1 FROM "
        f"{CareCampaign._meta.db_table} WHERE id = %s AND status = %s) RETURNING id"
    )
    with fastsql.cursor() as cursor:
        cursor.execute(sql, [*values, distribution.campaign_id, str(CampaignStatus.OPEN)])
        inserted = cursor.fetchone()
    if inserted is None:
        return False
    mark_saved(distribution, inserted[0])
    return True


def _in_one_statement(context: HandOutContext) -> bool:
    """A kit (one item) and no yearly cap to charge, on PostgreSQL: the usual campaign,
    handed out by one statement (_hand_out_at_once) instead of a transaction of four."""
    return not context.caps and len(context.parts) == 1 and connection.vendor == "postgresql"


_LEDGER_FROM_HANDOUT = {
    "org_id": "handout.org_id",
    "site_id": "handout.site_id",
    "distribution_id": "handout.id",
    "at": "handout.handed_at",
    "by_id": "handout.handed_by_id",
}
_AUDIT_FROM_HANDOUT = {
    "actor_id": "handout.handed_by_id",
    "org_id": "handout.org_id",
    "object_id": "handout.id::text",
}


def _hand_out_at_once(
    context: HandOutContext, distribution: Distribution, *, scope: Scope, worker: Worker, now
) -> HandOut:
    """The hand-out, its stock and ledger row, and its audit event in one statement, so one
    round trip and no BEGIN/COMMIT (in autocommit, a statement is its own transaction).

    The same rules as the transaction of distribution_hand_out, all decided by the database
    in the statement: the kit is taken only if the campaign is still open and the site holds
    one (conditional UPDATE, the balance row locked until the end); the hand-out row is
    written only if the kit was taken; its unique indexes (request id, one live hand-out per
    person) refuse a retry or a repeat, and the error undoes the whole statement. Here the
    stock row is locked before the person's unique entry, but nothing waits after taking
    the latter, so concurrent scans cannot wait on each other in a cycle."""
    row, campaign = context.row, context.row.campaign
    (item, n), actor = context.parts[0], _actor(scope)
    movement = StockMovement(
        org_id=row.site.org_id,
        site=row.site,
        item=item,
        delta=-n,
        kind=MovementKind.HAND_OUT,
        batch=uuid.uuid4(),
        by=actor,
        at=now,
    )
    event = audit_event(
        action="care.hand_out",
        scope=scope,
        org=row.site.org,
        target=distribution,
        extra={
            "campaign": campaign.name,
            "site": row.site.name,
            "worker": worker.pk,
            "target": distribution.target,
        },
    )
    handout_sql, handout_values = fastsql.insert_select(distribution)
    # what the ledger row and the event share with the hand-out is taken from its row
    ledger_sql, ledger_values = fastsql.insert_select(movement, _LEDGER_FROM_HANDOUT)
    audit_sql, audit_values = fastsql.insert_select(event, _AUDIT_FROM_HANDOUT)
    sql = (
        f"WITH taken AS (UPDATE {StockBalance._meta.db_table} SET quantity = quantity - %s "
        "WHERE site_id = %s AND item_id = %s AND quantity >= %s AND EXISTS (SELECT 1 FROM "
        f"{CareCampaign._meta.db_table} WHERE id = %s AND status = %s) RETURNING 1), "
        f"handout AS ({handout_sql} FROM taken RETURNING id, org_id, site_id, handed_at, "
        "handed_by_id), "
        f"ledger AS ({ledger_sql} FROM handout), "
        f"audit AS ({audit_sql} FROM handout) "
        "SELECT id FROM handout"
    )
    values = [n, row.site.pk, item.pk, n, campaign.pk, str(CampaignStatus.OPEN)]
    values += [*handout_values, *ledger_values, *audit_values]
    # Inside a caller's transaction (register and hand out), a refusal must undo only this.
    guard = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with guard, fastsql.cursor() as cursor:
            cursor.execute(sql, values)
            inserted = cursor.fetchone()
    except IntegrityError:
        return _refused(context, worker, distribution.request_id, now)
    if inserted is None:  # no kit taken: closed meanwhile, or none left at the site
        return _refused(context, worker, distribution.request_id, now, short=(item, n))
    mark_saved(distribution, inserted[0])
    return HandOut(distribution, True)


def _refused(
    context: HandOutContext,
    worker: Worker,
    request_id: uuid.UUID,
    now,
    *,
    short: tuple[Item, int] | None = None,
) -> HandOut:
    """The insert was refused: a retry gets the first result; a person who already
    received gets when and where; a campaign closed meanwhile says so; else, when ``short``
    (the item and number that could not be taken), the site's stock is short."""
    earlier, retried = _earlier(request_id, worker, context.row.campaign.limit_key)
    if earlier is not None and retried:
        return _replayed(earlier, worker, context.row)
    if earlier is not None:
        raise AlreadyReceived(earlier) from None
    forget_hand_out_contexts()
    _check(_context_of(context.row), worker, now)
    if short is not None:
        raise StockShort(context.row.site, short[0], short[1])
    raise ConflictError(_("The hand-out could not be recorded; scan again."))


_EARLIER_FIELDS = [
    "id",
    "org_id",
    "campaign_id",
    "site_id",
    "worker_id",
    "target",
    "value_fen",
    "handed_at",
]


def _earlier(
    request_id: uuid.UUID, worker: Worker, limit_key: str
) -> tuple[Distribution | None, bool]:
    """What a refused insert met, in one query: the hand-out made under this request id
    (a retry: True), else the person's live one under the limit key (a repeat: False),
    with the names AlreadyReceived tells (the ORM would spend more building the query than
    the database running it: a tenth of all scans come here)."""
    quote = connection.ops.quote_name
    table = quote(Distribution._meta.db_table)
    rid = Distribution._meta.get_field("request_id").get_db_prep_value(request_id, connection)
    sql = (
        "SELECT d.id, d.org_id, d.campaign_id, d.site_id, d.worker_id, d.target, d.value_fen, "
        f"d.handed_at, d.request_id = %s, c.name, s.name, o.name FROM {table} d "
        f"JOIN {quote(CareCampaign._meta.db_table)} c ON c.id = d.campaign_id "
        f"JOIN {quote(Site._meta.db_table)} s ON s.id = d.site_id "
        f"JOIN {quote(Org._meta.db_table)} o ON o.id = d.org_id "
        "WHERE d.request_id = %s OR (d.worker_id = %s AND d.limit_key = %s AND d.voided_at IS "
        "NULL) ORDER BY 9 DESC LIMIT 1"
    )
    with fastsql.cursor() as cursor:
        cursor.execute(sql, [rid, rid, worker.pk, limit_key])
        found = cursor.fetchone()
    if found is None:
        return None, False
    pk, org_id, campaign_id, site_id, worker_id, target, value_fen, handed_at = found[:8]
    convert = getattr(connection.ops, "convert_datetimefield_value", None)
    if convert is not None:  # SQLite's text, made an aware datetime as the ORM does
        handed_at = convert(handed_at, None, connection)
    earlier = Distribution.from_db(
        DEFAULT_DB_ALIAS,
        _EARLIER_FIELDS,
        [pk, org_id, campaign_id, site_id, worker_id, target, value_fen, handed_at],
    )
    retried, campaign_name, site_name, org_name = found[8:]
    if worker_id == worker.pk:
        earlier.worker = worker
    earlier.campaign = CareCampaign.from_db(
        DEFAULT_DB_ALIAS, ["id", "name"], [campaign_id, campaign_name]
    )
    earlier.site = Site.from_db(DEFAULT_DB_ALIAS, ["id", "name"], [site_id, site_name])
    earlier.org = Org.from_db(DEFAULT_DB_ALIAS, ["id", "name"], [org_id, org_name])
    return earlier, bool(retried)


def _actor(scope: Scope):
    return scope.user if getattr(scope.user, "pk", None) else None


def distribution_register_and_hand_out(
    *,
    scope: Scope,
    campaign_site: CampaignSite,
    request_id: uuid.UUID,
    name: str,
    phone: str,
    employer_name: str = "",
    group: str = "",
    employment_form: str = EmploymentForm.EMPLOYEE,
    id_number: str = "",
    at: datetime | None = None,
) -> HandOut:
    """Register on the spot someone not in any register, into the site's union, and hand
    out to them, all or nothing. A retried request returns the first result; a phone or ID
    already in a register hands out to that worker instead of a duplicate."""
    earlier = _replay(request_id)
    if earlier is not None:
        return HandOut(earlier, False)
    if not can_hand_out(scope, campaign_site):
        raise ForbiddenError(_("You are not staff of this site."))
    with transaction.atomic():
        known = None
        for code in (id_number, phone):
            if normalise_text(code):
                try:
                    known = find_recipient(code)
                except ApplicationError:
                    known = None  # worker_create reports the bad value with its field
            if known is not None:
                break
        worker = known or worker_create(
            scope=scope,
            org=campaign_site.site.org,
            name=name,
            phone=phone,
            id_number=id_number,
            employer_name=employer_name,
            employment_form=employment_form,
            groups=[group] if group else [],
        )
        return distribution_hand_out(
            scope=scope, campaign_site=campaign_site, worker=worker, request_id=request_id, at=at
        )


def distribution_void(*, scope: Scope, distribution: Distribution, reason: str) -> Distribution:
    """Undo a hand-out with the reason: the kit goes back into the site's stock, the
    person's yearly totals go down, and the person may receive again."""
    scope.require(Perm.EDIT, distribution.org)
    reason = _text(reason, "reason", 200)
    with transaction.atomic():
        row = (
            Distribution.objects.select_for_update(of=("self",))
            .select_related("campaign", "site", "org", "worker")
            .get(pk=distribution.pk)
        )
        if row.voided_at is not None:
            raise ConflictError(_("This hand-out was already voided."))
        row.voided_at, row.void_reason, row.voided_by = timezone.now(), reason, _actor(scope)
        row.save(update_fields=["voided_at", "void_reason", "voided_by"])
        caps = [r for r in rules_for(row.campaign.org) if r.kind == RuleKind.YEARLY_CAP]
        year = china_now(row.handed_at).year
        RuleTotal.objects.filter(
            rule__in=caps, worker_id=row.worker_id, year=year, value_fen__gte=row.value_fen
        ).update(value_fen=F("value_fen") - row.value_fen)
        parts = per_person(row.campaign)
        apply_changes(
            [Change(row.site, item, n) for item, n in parts],
            kind_of=lambda c: MovementKind.VOID,
            by=_actor(scope),
            distribution=row,
            note=reason,
        )
        audit_record(
            action="care.void",
            scope=scope,
            org=row.org,
            target=row,
            before={"voided": False},
            after={"voided": True},
            extra={"reason": reason, "campaign": row.campaign.name},
        )
    return row
