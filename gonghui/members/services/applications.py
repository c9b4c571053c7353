"""Joining the union online (网上入会): a worker applies on their phone, the application is
routed to a union (services/routing.py), passed on if need be, escalated when overdue, and
accepted (the worker becomes a member with a membership number) or declined with a reason.

Everything that could happen twice is settled by the database: one open application per
person (a partial unique index), one decision per application and one pass-on at a time
(conditional updates on the pending row), one escalation per level (a partial unique index),
one membership number per number (a per-union counter taken under a row lock).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.crypto import blind_index, decrypt, encrypt
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.identity import (
    IdentityError,
    check_mobile,
    normalise_id_number,
    normalise_phone,
    normalise_text,
    parse_id_number,
)
from gonghui.core.permissions import Perm
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.pinyin import pinyin_keys
from gonghui.core.scope import Scope
from gonghui.core.sms import send_sms
from gonghui.core.workdays import working_days_between
from gonghui.members.models import (
    ApplicationEvent,
    ApplicationStatus,
    EmploymentForm,
    EventKind,
    Industry,
    MembershipApplication,
    MembershipNumberCounter,
    MembershipStatus,
    Worker,
)
from gonghui.members.services.routing import (
    PLACE_KINDS,
    decide_within_days,
    due_date,
    employer_match,
    escalation_level,
    route_for,
    within,
)
from gonghui.members.services.workers import worker_create, worker_join, worker_move, worker_update
from gonghui.orgs.models import Org, OrgStatus

# The wording of the consent the applicant gave (h5 join page); bump it when the text changes.
CONSENT_VERSION = "2026-1"
PENDING = ApplicationStatus.PENDING


def application_snapshot(app: MembershipApplication) -> dict[str, Any]:
    """What the audit log keeps of an application: masked personal data only."""
    return {
        "name": app.name,
        "id_number": app.id_number_masked,
        "phone": app.phone_masked,
        "employment_form": app.employment_form,
        "employer": app.employer_name,
        "industry": app.industry,
        "work_place": app.work_place_id,
        "not_notify_employer": app.not_notify_employer,
        "org": app.org_id,
        "route": app.route,
        "due_on": app.due_on.isoformat(),
        "status": app.status,
    }


def _actor(scope: Scope | None):
    user = getattr(scope, "user", None)
    return user if getattr(user, "pk", None) else None


# Applying


def _clean_applicant(fields: dict, errors: dict[str, list[str]]) -> dict:
    """Check what the applicant typed; personal values come back protected."""
    name = normalise_text(fields["name"])
    if not name or len(name) > 50:
        errors["name"] = [_("Enter your name as on your resident ID (at most 50 characters).")]
    number = normalise_id_number(fields["id_number"] or "")
    info = None
    try:
        info = parse_id_number(number, today=timezone.localdate())
    except IdentityError as exc:
        errors["id_number"] = [str(exc.reason)]
    phone = normalise_phone(fields["phone"] or "")
    try:
        check_mobile(phone)
    except IdentityError as exc:
        errors["phone"] = [str(exc.reason)]
    if fields["employment_form"] not in EmploymentForm.values:
        errors["employment_form"] = [_("Choose how you are employed.")]
    if fields["industry"] not in Industry.values:
        errors["industry"] = [_("Choose your industry.")]
    place = fields["work_place"]
    if place is None or place.kind not in PLACE_KINDS or place.status != OrgStatus.ACTIVE:
        errors["work_place"] = [_("Choose the district and street where you mostly work.")]
    if len(normalise_text(fields["employer_name"])) > 100:
        errors["employer_name"] = [_("At most %(n)d characters.") % {"n": 100}]
    if not fields["consent"]:
        errors["consent"] = [_("Your application needs your consent to the use of your data.")]
    if errors:
        return {}
    return {
        "name": name,
        "name_pinyin": pinyin_keys(name)[0][:200],
        "gender": info.gender,
        "birth_date": info.birth_date,
        "id_number_enc": encrypt("id_number", number),
        "id_number_index": blind_index("id_number", number),
        "id_number_masked": mask_id_number(number),
        "phone_enc": encrypt("phone", phone),
        "phone_index": blind_index("phone", phone),
        "phone_masked": mask_phone(phone),
    }


def _refuse_duplicates(id_index: str, phone_index: str) -> None:
    """A member, or someone with an application open, is told so; the details (which union,
    since when) only when the phone is the one on that record, so that typing someone else's
    ID number reveals nothing about them."""
    member = (
        Worker.objects.filter(id_number_index=id_index, membership_status=MembershipStatus.MEMBER)
        .select_related("org")
        .first()
    )
    if member is not None:
        if member.phone_index == phone_index:
            message = _("You are already a member of %(union)s (since %(date)s).") % {
                "union": member.org.name,
                "date": member.joined_on.isoformat() if member.joined_on else "—",
            }
        else:
            message = _(
                "This resident ID number belongs to a union member already. If it is yours, "
                "sign in with the phone number your union has on record, or ask your union."
            )
        raise ConflictError(message, fields={"id_number": [message]})
    _refuse_open(id_index, phone_index)


def _refuse_open(id_index: str, phone_index: str) -> None:
    open_app = (
        MembershipApplication.objects.filter(id_number_index=id_index, status=PENDING)
        .select_related("org")
        .first()
    )
    if open_app is None:
        return
    if open_app.phone_index == phone_index:
        message = _(
            "You already have an application pending with %(union)s, to be decided by %(date)s."
        ) % {"union": open_app.org.name, "date": open_app.due_on.isoformat()}
    else:
        message = _(
            "An application with this resident ID number is already being handled. If it is "
            "yours, sign in with the phone number you applied with to follow it."
        )
    raise ConflictError(message, fields={"id_number": [message]})


def application_submit(
    *,
    phone: str,
    name: str,
    id_number: str,
    employment_form: str,
    industry: str,
    work_place: Org | None,
    employer_name: str = "",
    not_notify_employer: bool = False,
    consent: bool = False,
    submitted_at: datetime | None = None,
) -> MembershipApplication:
    """A worker applies to join. ``phone`` is the one they proved with a texted code.

    ``submitted_at`` is for loading records made elsewhere (the demo); it defaults to now.
    """
    fields = {
        "name": name, "id_number": id_number, "phone": phone, "industry": industry,
        "employment_form": employment_form, "work_place": work_place,
        "employer_name": employer_name, "consent": consent,
    }  # fmt: skip
    errors: dict[str, list[str]] = {}
    protected = _clean_applicant(fields, errors)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    submitted_at = submitted_at or timezone.now()
    submitted_on = timezone.localdate(submitted_at)
    employer_name = normalise_text(employer_name)
    employer = employer_match(employer_name)
    route = route_for(
        employer=employer, place=work_place, industry=industry, not_notify=not_notify_employer
    )
    open_count = MembershipApplication.objects.filter(
        phone_index=protected["phone_index"], status=PENDING
    ).count()
    _refuse_duplicates(protected["id_number_index"], protected["phone_index"])
    if open_count >= settings.JOIN_MAX_OPEN_PER_PHONE:
        raise ApplicationError(
            _("This phone already has %(n)d applications open; wait for their decisions.")
            % {"n": open_count},
            code="rate_limited",
        )
    app = MembershipApplication(
        org=route.org,
        employment_form=employment_form,
        employer_name=employer_name,
        employer=employer,
        employer_union=employer.union if employer is not None else None,
        not_notify_employer=not_notify_employer,
        industry=industry,
        work_place=work_place,
        consent_version=CONSENT_VERSION,
        consented_at=submitted_at,
        route=route.kind,
        rule=route.rule,
        submitted_at=submitted_at,
        submitted_on=submitted_on,
        due_on=due_date(submitted_on, decide_within_days(route.org)),
        **protected,
    )
    try:
        with transaction.atomic():
            app.save()
            ApplicationEvent.objects.create(
                application=app, kind=EventKind.SUBMITTED, to_org=route.org, at=submitted_at
            )
            audit_record(
                action="membership_application.submit",
                org=route.org,
                target=app,
                after=application_snapshot(app),
            )
    except IntegrityError:
        # the same person applying from two tabs at once: the partial unique index decided
        _refuse_open(protected["id_number_index"], protected["phone_index"])
        raise
    return app


# Passing on


def pass_on_allowed(scope: Scope, app: MembershipApplication, to_org: Org) -> bool:
    """A union within the user's own subtree, or one above the union handling it now."""
    return scope.can(Perm.EDIT, to_org) or within(app.org, to_org)


def application_pass_on(
    *, scope: Scope, application: MembershipApplication, to_org: Org, reason: str
) -> MembershipApplication:
    """Hand an application to another union, with the reason; its deadline stays."""
    app = application
    scope.require(Perm.EDIT, app.org)
    reason = normalise_text(reason)
    errors: dict[str, list[str]] = {}
    if not reason or len(reason) > 200:
        errors["reason"] = [_("Give the reason (at most 200 characters).")]
    if to_org.pk == app.org_id:
        errors["to_org"] = [_("The application is already with this union.")]
    elif not to_org.is_active or not pass_on_allowed(scope, app, to_org):
        errors["to_org"] = [
            _("Choose an active union within your organisation, or one above this union.")
        ]
    elif app.not_notify_employer and within(to_org, app.employer_union):
        errors["to_org"] = [
            _("The applicant asked that their employer not be told: not to the employer's union.")
        ]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    from_org = app.org
    with transaction.atomic():
        moved = MembershipApplication.objects.filter(
            pk=app.pk, status=PENDING, org=from_org
        ).update(org=to_org)
        if not moved:
            raise ConflictError(_("This application was decided or passed on meanwhile."))
        ApplicationEvent.objects.create(
            application=app, kind=EventKind.PASSED_ON, from_org=from_org, to_org=to_org,
            reason=reason, actor=_actor(scope),
        )  # fmt: skip
        for action, org in (("pass_on", to_org), ("pass_on_out", from_org)):
            audit_record(
                action=f"membership_application.{action}",
                scope=scope,
                org=org,
                target=app,
                before={"org": from_org.pk},
                after={"org": to_org.pk},
                extra={"from": from_org.name, "to": to_org.name, "reason": reason},
            )
    app.refresh_from_db()
    return app


def application_reveal(*, scope: Scope, application: MembershipApplication, field: str) -> str:
    """The applicant's plain resident ID or phone (to call them back), for a user allowed to
    see it; every reveal audited."""
    if field not in MembershipApplication.protected_fields:
        raise ApplicationError(_("Nothing to reveal."))
    scope.require(Perm.REVEAL_PII, application.org)
    with transaction.atomic():
        audit_record(
            action="membership_application.reveal",
            scope=scope,
            org=application.org,
            target=application,
            extra={"field": field},
        )
    return decrypt(field, getattr(application, f"{field}_enc"))


# Deciding


def _decision_date(app: MembershipApplication, decided_on: date | None) -> date:
    today = timezone.localdate()
    decided_on = decided_on or today
    if decided_on > today:
        message = _("The date is in the future.")
        raise ApplicationError(message, fields={"decided_on": [message]})
    if decided_on < app.submitted_on:
        message = _("The decision cannot come before the application (%(date)s).") % {
            "date": app.submitted_on.isoformat()
        }
        raise ApplicationError(message, fields={"decided_on": [message]})
    return decided_on


def _close(scope: Scope, app: MembershipApplication, status: str, decided_on: date, reason: str):
    """Mark the pending application decided, or refuse if someone was quicker."""
    now = timezone.now()
    days = working_days_between(app.submitted_on + timedelta(days=1), decided_on)
    closed = MembershipApplication.objects.filter(pk=app.pk, status=PENDING, org=app.org).update(
        status=status, decided_on=decided_on, decided_at=now, decided_by=_actor(scope),
        decision_days=days, decline_reason=reason,
    )  # fmt: skip
    if not closed:
        raise ConflictError(_("This application was decided or passed on meanwhile."))
    app.status, app.decided_on, app.decided_at, app.decision_days = status, decided_on, now, days
    app.decline_reason = reason


def membership_number_take(org: Org) -> str:
    """The union's next membership number: its code and a six-digit count, taken under a
    row lock on the union's counter (created on first use; a race to create it is settled
    by its unique org)."""
    counter, _created = MembershipNumberCounter.objects.select_for_update().get_or_create(org=org)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{org.code.upper()}-{counter.last:06d}"


def _enrol(scope: Scope, app: MembershipApplication, joined_on: date) -> Worker:
    """The applicant in the accepting union's register, a member from ``joined_on``."""
    fields = {
        "phone": decrypt("phone", app.phone_enc),
        "employer_name": app.employer.name if app.employer_id else app.employer_name,
        "employment_form": app.employment_form,
    }
    worker = (
        Worker.objects.select_for_update(of=("self",))
        .select_related("org", "employer")
        .filter(id_number_index=app.id_number_index)
        .first()
    )
    if worker is None:
        worker = worker_create(
            scope=scope, org=app.org, name=app.name, joined_on=joined_on,
            id_number=decrypt("id_number", app.id_number_enc), **fields,
        )  # fmt: skip
    else:
        if worker.is_member:
            raise ConflictError(
                _("%(name)s is already a member of %(union)s.")
                % {"name": worker.name, "union": worker.org.name}
            )
        if worker.org_id != app.org_id:
            worker = worker_move(
                scope=scope, worker=worker, to_org=app.org, reason=_("Joined the union online")
            )
        worker = worker_update(scope=scope, worker=worker, name=app.name, **fields)
        worker = worker_join(scope=scope, worker=worker, joined_on=joined_on)
    if not worker.membership_number:
        worker.membership_number = membership_number_take(app.org)
        Worker.objects.filter(pk=worker.pk).update(membership_number=worker.membership_number)
    return worker


def _notify(app: MembershipApplication, text: str) -> None:
    phone = decrypt("phone", app.phone_enc)
    transaction.on_commit(lambda: send_sms(phone, text))


def application_accept(
    *,
    scope: Scope,
    application: MembershipApplication,
    decided_on: date | None = None,
    notify: bool = True,
) -> MembershipApplication:
    """Accept: the applicant becomes a member of the handling union from ``decided_on``
    (default today), with a membership number; they are told by text message."""
    app = application
    scope.require(Perm.EDIT, app.org)
    decided_on = _decision_date(app, decided_on)
    with transaction.atomic():
        _close(scope, app, ApplicationStatus.ACCEPTED, decided_on, "")
        worker = _enrol(scope, app, decided_on)
        MembershipApplication.objects.filter(pk=app.pk).update(worker=worker)
        app.worker = worker
        ApplicationEvent.objects.create(
            application=app, kind=EventKind.ACCEPTED, to_org=app.org, actor=_actor(scope)
        )
        audit_record(
            action="membership_application.accept",
            scope=scope,
            org=app.org,
            target=app,
            before={"status": PENDING},
            after={"status": app.status, "decided_on": decided_on.isoformat()},
            extra={"worker": worker.pk, "membership_number": worker.membership_number},
        )
        if notify:
            _notify(app, _("[Union] Your application to join has been accepted: you are a "
                           "member of %(union)s, membership number %(number)s. Your member "
                           "e-card is on the Me page.") % {
                "union": app.org.name, "number": worker.membership_number})  # fmt: skip
    return app


def application_decline(
    *,
    scope: Scope,
    application: MembershipApplication,
    reason: str,
    decided_on: date | None = None,
    notify: bool = True,
) -> MembershipApplication:
    """Decline, with a reason the applicant sees."""
    app = application
    scope.require(Perm.EDIT, app.org)
    reason = normalise_text(reason)
    if not reason or len(reason) > 200:
        message = _("Give the reason the applicant will read (at most 200 characters).")
        raise ApplicationError(message, fields={"reason": [message]})
    decided_on = _decision_date(app, decided_on)
    with transaction.atomic():
        _close(scope, app, ApplicationStatus.DECLINED, decided_on, reason)
        ApplicationEvent.objects.create(
            application=app, kind=EventKind.DECLINED, to_org=app.org, reason=reason,
            actor=_actor(scope),
        )  # fmt: skip
        audit_record(
            action="membership_application.decline",
            scope=scope,
            org=app.org,
            target=app,
            before={"status": PENDING},
            after={"status": app.status, "decided_on": decided_on.isoformat(), "reason": reason},
        )
        if notify:
            _notify(app, _("[Union] %(union)s could not accept your application to join: "
                           "%(reason)s") % {"union": app.org.name, "reason": reason})  # fmt: skip
    return app


# Escalating


def applications_escalate(
    *, today: date | None = None, progress: Callable[[int, int], None] | None = None
) -> int:
    """Record each overdue application's escalation to each level it has reached, once
    (the partial unique index settles two runs at once), audited for the union it reached.
    Returns how many escalations were new. Run daily (cron or the task worker)."""
    today = today or timezone.localdate()
    overdue = (
        MembershipApplication.objects.filter(status=PENDING, due_on__lt=today)
        .select_related("org")
        .order_by("pk")
    )
    total, created = overdue.count(), 0
    orgs_by_path: dict[str, Org] = {}
    for done, app in enumerate(overdue.iterator(chunk_size=500), start=1):
        created += _escalate_one(app, escalation_level(app.due_on, today), orgs_by_path)
        if progress and (done % 200 == 0 or done == total):
            progress(done, total)
    return created


def _escalate_one(app: MembershipApplication, level: int, orgs_by_path: dict) -> int:
    recorded = set(app.events.filter(kind=EventKind.ESCALATED).values_list("level", flat=True))
    created = 0
    for k in range(1, level + 1):
        path = app.org.path[: -k * Org.steplen]
        if not path:
            break  # above the top of the tree
        if k in recorded:
            continue
        if path not in orgs_by_path:
            orgs_by_path[path] = Org.objects.get(path=path)
        reached = orgs_by_path[path]
        try:
            with transaction.atomic():
                ApplicationEvent.objects.create(
                    application=app, kind=EventKind.ESCALATED, level=k,
                    from_org=app.org, to_org=reached,
                )  # fmt: skip
                audit_record(
                    action="membership_application.escalate",
                    org=reached,
                    target=app,
                    extra={"level": k, "from": app.org.name, "due_on": app.due_on.isoformat()},
                )
        except IntegrityError:
            continue  # another run recorded it a moment ago
        created += 1
    return created
