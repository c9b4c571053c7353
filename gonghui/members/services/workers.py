"""Workers: create, edit, transfer, join, leave, and reveal personal data (audited)."""

from __future__ import annotations

from datetime import date
from typing import Any

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
from gonghui.members.models import (
    EmploymentForm,
    Gender,
    MembershipStatus,
    Worker,
    WorkerGroup,
    WorkerTransfer,
)
from gonghui.members.services.employers import employer_for_name
from gonghui.orgs.models import Org, OrgStatus

EDITABLE = frozenset(
    {
        "name",
        "id_number",
        "phone",
        "employer_name",
        "employment_form",
        "gender",
        "birth_date",
        "groups",
    }
)
PROTECTED = ("id_number", "phone")


def worker_snapshot(worker: Worker) -> dict[str, Any]:
    """What the audit log keeps of a worker: masked personal data only."""
    return {
        "name": worker.name,
        "org": worker.org_id,
        "gender": worker.gender,
        "birth_date": worker.birth_date.isoformat() if worker.birth_date else None,
        "id_number": worker.id_number_masked,
        "phone": worker.phone_masked,
        "employer": worker.employer.name if worker.employer_id else "",
        "employment_form": worker.employment_form,
        "groups": sorted(worker.groups.values_list("code", flat=True)) if worker.pk else [],
        "membership_status": worker.membership_status,
        "joined_on": worker.joined_on.isoformat() if worker.joined_on else None,
        "left_on": worker.left_on.isoformat() if worker.left_on else None,
    }


def _check_org(scope: Scope, org: Org) -> None:
    scope.require(Perm.EDIT, org)
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(
            _("This union is archived."), fields={"org": [_("Choose an active union.")]}
        )


def _apply(worker: Worker, fields: dict[str, Any], errors: dict[str, list[str]]) -> None:
    """Set the given fields on ``worker``, protecting personal data; collect bad input."""
    if "name" in fields:
        worker.name = normalise_text(fields["name"])
        if not worker.name or len(worker.name) > 50:
            errors["name"] = [_("Enter a name of at most 50 characters.")]
        full, initials = pinyin_keys(worker.name)
        worker.name_pinyin, worker.name_initials = full[:200], initials[:50]
    if "gender" in fields:
        worker.gender = fields["gender"] if fields["gender"] in Gender.values else ""
    if "birth_date" in fields:
        worker.birth_date = fields["birth_date"]
    if "id_number" in fields:
        _apply_id_number(worker, normalise_id_number(fields["id_number"] or ""), errors)
    if "phone" in fields:
        _apply_phone(worker, normalise_phone(fields["phone"] or ""), errors)
    if "employment_form" in fields:
        if fields["employment_form"] not in EmploymentForm.values:
            errors["employment_form"] = [_("Choose a valid employment form.")]
        worker.employment_form = fields["employment_form"]
    if "employer_name" in fields:
        employer = employer_for_name(fields["employer_name"] or "")
        worker.employer = employer


def _apply_id_number(worker: Worker, number: str, errors) -> None:
    if not number:
        worker.id_number_enc = worker.id_number_index = None
        worker.id_number_masked = ""
        return
    try:
        info = parse_id_number(number, today=timezone.localdate())
    except IdentityError as exc:
        errors["id_number"] = [str(exc.reason)]
        return
    # The ID decides gender and birth date; a different value typed beside it is an error.
    if worker.gender and worker.gender != info.gender:
        errors["gender"] = [_("The gender does not match the resident ID.")]
    if worker.birth_date and worker.birth_date != info.birth_date:
        errors["birth_date"] = [_("The birth date does not match the resident ID.")]
    worker.gender, worker.birth_date = info.gender, info.birth_date
    worker.id_number_enc = encrypt("id_number", number)
    worker.id_number_index = blind_index("id_number", number)
    worker.id_number_masked = mask_id_number(number)


def _apply_phone(worker: Worker, phone: str, errors) -> None:
    if not phone:
        worker.phone_enc = worker.phone_index = None
        worker.phone_masked = worker.phone_tail = ""
        return
    try:
        check_mobile(phone)
    except IdentityError as exc:
        errors["phone"] = [str(exc.reason)]
        return
    worker.phone_enc = encrypt("phone", phone)
    worker.phone_index = blind_index("phone", phone)
    worker.phone_masked, worker.phone_tail = mask_phone(phone), phone[-4:]


def _save(worker: Worker, groups) -> None:
    try:
        with transaction.atomic():
            worker.save()
    except IntegrityError:
        message = _("A worker with this resident ID is already in the register.")
        raise ConflictError(message, fields={"id_number": [message]}) from None
    if groups is not None:
        worker.groups.set(WorkerGroup.objects.filter(code__in=groups))


def worker_create(*, scope: Scope, org: Org, name: str, **fields) -> Worker:
    """Add a worker to ``org``'s register. ``fields``: id_number, phone, employer_name,
    employment_form, gender, birth_date, groups (codes), joined_on."""
    _check_org(scope, org)
    unknown = set(fields) - EDITABLE - {"joined_on"}
    if unknown:
        raise TypeError(f"unknown worker fields: {sorted(unknown)}")
    joined_on = fields.pop("joined_on", None)
    groups = fields.pop("groups", None)
    worker = Worker(org=org)
    errors: dict[str, list[str]] = {}
    # gender/birth date first, so a resident ID typed beside them is checked against them
    ordered = sorted({"name": name, **fields}.items(), key=lambda kv: kv[0] in PROTECTED)
    with transaction.atomic():
        _apply(worker, dict(ordered), errors)
        _check_joined(joined_on, errors)
        if errors:
            raise ApplicationError(_("Please correct the marked fields."), fields=errors)
        if joined_on:
            worker.membership_status, worker.joined_on = MembershipStatus.MEMBER, joined_on
        _save(worker, groups)
        audit_record(
            action="worker.create",
            scope=scope,
            org=org,
            target=worker,
            after=worker_snapshot(worker),
        )
    return worker


def worker_update(*, scope: Scope, worker: Worker, **fields) -> Worker:
    scope.require(Perm.EDIT, worker.org)
    unknown = set(fields) - EDITABLE
    if unknown:
        raise TypeError(f"unknown worker fields: {sorted(unknown)}")
    groups = fields.pop("groups", None)
    with transaction.atomic():
        worker = (
            Worker.objects.select_for_update(of=("self",))
            .select_related("employer")
            .get(pk=worker.pk)
        )
        before = worker_snapshot(worker)
        errors: dict[str, list[str]] = {}
        if "id_number" in fields:
            # a new ID decides gender and birth date afresh
            worker.gender, worker.birth_date = (
                fields.pop("gender", ""),
                fields.pop("birth_date", None),
            )
        ordered = sorted(fields.items(), key=lambda kv: kv[0] in PROTECTED)
        _apply(worker, dict(ordered), errors)
        if errors:
            raise ApplicationError(_("Please correct the marked fields."), fields=errors)
        worker.updated_at = timezone.now()
        _save(worker, groups)
        audit_record(
            action="worker.update",
            scope=scope,
            org=worker.org,
            target=worker,
            before=before,
            after=worker_snapshot(worker),
        )
    return worker


def _check_joined(joined_on: date | None, errors) -> None:
    if joined_on and joined_on > timezone.localdate():
        errors["joined_on"] = [_("The date is in the future.")]


def worker_transfer(*, scope: Scope, worker: Worker, to_org: Org, reason: str = "") -> Worker:
    """Move a worker (and their membership) to another union's register, keeping history.
    Both unions must lie within the acting user's subtree."""
    scope.require(Perm.EDIT, worker.org)
    _check_org(scope, to_org)
    if to_org.pk == worker.org_id:
        raise ApplicationError(
            _("The worker is already in this union."),
            fields={"to_org": [_("Choose another union.")]},
        )
    return worker_move(scope=scope, worker=worker, to_org=to_org, reason=reason)


def worker_move(*, scope: Scope, worker: Worker, to_org: Org, reason: str) -> Worker:
    """The move itself, history kept and audited at both ends; the caller has checked that
    it may happen (``worker_transfer`` for staff, an accepted application for its union)."""
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        from_org = worker.org
        worker.org, worker.updated_at = to_org, timezone.now()
        worker.save(update_fields=["org", "updated_at"])
        WorkerTransfer.objects.create(
            worker=worker,
            from_org=from_org,
            to_org=to_org,
            reason=normalise_text(reason)[:200],
            transferred_by=scope.user if scope.user.pk else None,
        )
        audit_record(
            action="worker.transfer",
            scope=scope,
            org=to_org,
            target=worker,
            before={"org": from_org.pk},
            after={"org": to_org.pk},
            extra={"from": from_org.name, "to": to_org.name, "reason": reason},
        )
        # the union the worker left sees the event too
        audit_record(
            action="worker.transfer_out",
            scope=scope,
            org=from_org,
            target=worker,
            extra={"to": to_org.name, "reason": reason},
        )
    return worker


def worker_join(*, scope: Scope, worker: Worker, joined_on: date) -> Worker:
    scope.require(Perm.EDIT, worker.org)
    errors: dict[str, list[str]] = {}
    _check_joined(joined_on, errors)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        if worker.membership_status == MembershipStatus.MEMBER:
            raise ConflictError(_("This worker is already a member."))
        before = {"membership_status": worker.membership_status}
        worker.membership_status, worker.joined_on = MembershipStatus.MEMBER, joined_on
        worker.left_on, worker.left_reason, worker.updated_at = None, "", timezone.now()
        worker.save()
        audit_record(
            action="worker.join",
            scope=scope,
            org=worker.org,
            target=worker,
            before=before,
            after={
                "membership_status": worker.membership_status,
                "joined_on": joined_on.isoformat(),
            },
        )
    return worker


def worker_leave(*, scope: Scope, worker: Worker, left_on: date, reason: str) -> Worker:
    scope.require(Perm.EDIT, worker.org)
    reason = normalise_text(reason)
    if not reason:
        raise ApplicationError(
            _("Give the reason for leaving."), fields={"reason": [_("Required.")]}
        )
    with transaction.atomic():
        worker = Worker.objects.select_for_update().get(pk=worker.pk)
        if worker.membership_status != MembershipStatus.MEMBER:
            raise ConflictError(_("This worker is not a member."))
        if worker.joined_on and left_on < worker.joined_on:
            raise ApplicationError(
                _("The worker cannot leave before joining."),
                fields={"left_on": [_("Too early.")]},
            )
        worker.membership_status, worker.left_on = MembershipStatus.LEFT, left_on
        worker.left_reason, worker.updated_at = reason[:200], timezone.now()
        worker.save()
        audit_record(
            action="worker.leave",
            scope=scope,
            org=worker.org,
            target=worker,
            before={"membership_status": MembershipStatus.MEMBER},
            after={
                "membership_status": MembershipStatus.LEFT,
                "left_on": left_on.isoformat(),
                "reason": reason,
            },
        )
    return worker


def worker_reveal(*, scope: Scope, worker: Worker, field: str) -> str:
    """The plain resident ID or phone, for a user allowed to see it; every reveal audited."""
    if field not in PROTECTED:
        raise ApplicationError(_("Nothing to reveal."))
    scope.require(Perm.REVEAL_PII, worker.org)
    token = getattr(worker, f"{field}_enc")
    if token is None:
        return ""
    with transaction.atomic():
        audit_record(
            action="worker.reveal",
            scope=scope,
            org=worker.org,
            target=worker,
            extra={"field": field},
        )
    return decrypt(field, token)
