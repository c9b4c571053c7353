"""Hardship files (困难帮扶): apply, assess, decide at the level above, help, review yearly.

Every use needs Perm.HARDSHIP, which no role kind carries (an administrator grants it on a
role); every read of a file is audited as well as every change.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care.models import (
    AssistanceKind,
    HardshipAssistance,
    HardshipCase,
    HardshipReason,
    HardshipReview,
    HardshipStatus,
    ReviewOutcome,
)
from gonghui.care.services.stock import _text, _value
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members.models import Worker

REVIEW_AFTER = timedelta(days=365)


def _require(scope: Scope, case_org, *, edit: bool = True) -> None:
    scope.require(Perm.HARDSHIP, case_org)
    if edit:
        scope.require(Perm.EDIT, case_org)


def _locked(case: HardshipCase) -> HardshipCase:
    return (
        HardshipCase.objects.select_for_update(of=("self",))
        .select_related("org", "worker")
        .get(pk=case.pk)
    )


def case_viewed(*, scope: Scope, case: HardshipCase, what: str = "file") -> None:
    """Record that someone read a file (or exported files): reads are audited too."""
    _require(scope, case.org, edit=False)
    with transaction.atomic():
        audit_record(
            action="hardship.view", scope=scope, org=case.org, target=case, extra={"what": what}
        )


def case_create(
    *,
    scope: Scope,
    worker: Worker,
    reason: str,
    household_size: int,
    monthly_income_fen: int,
    household: str,
    applied_on: date,
) -> HardshipCase:
    """Open a file for a worker of the subtree's register, with the household's details."""
    _require(scope, worker.org)
    errors: dict[str, list[str]] = {}
    if reason not in HardshipReason.values:
        errors["reason"] = [_("Choose the main cause.")]
    if not isinstance(household_size, int) or not 1 <= household_size <= 20:
        errors["household_size"] = [_("Enter from 1 to 20.")]
    if applied_on > timezone.localdate():
        errors["applied_on"] = [_("The date is in the future.")]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    _value(monthly_income_fen, "monthly_income")
    household = _text(household, "household", 2000)
    try:
        with transaction.atomic():
            case = HardshipCase.objects.create(
                org=worker.org,
                worker=worker,
                reason=reason,
                household_size=household_size,
                monthly_income_fen=monthly_income_fen,
                household=household,
                applied_on=applied_on,
                created_by=scope.user if scope.user.pk else None,
            )
            audit_record(
                action="hardship.create",
                scope=scope,
                org=worker.org,
                target=case,
                after={
                    "worker": worker.pk,
                    "reason": reason,
                    "household_size": household_size,
                    "monthly_income_fen": monthly_income_fen,
                },
            )
    except IntegrityError:
        raise ConflictError(_("This worker already has an open hardship file.")) from None
    return case


def case_assess(*, scope: Scope, case: HardshipCase, assessment: str) -> HardshipCase:
    """The filing union's assessment (入户核查): what it found."""
    _require(scope, case.org)
    assessment = _text(assessment, "assessment", 2000)
    with transaction.atomic():
        case = _locked(case)
        if case.status != HardshipStatus.APPLIED:
            raise ConflictError(_("Only a file awaiting assessment can be assessed."))
        case.status, case.assessment = HardshipStatus.ASSESSED, assessment
        case.assessed_by, case.assessed_at = scope.user, timezone.now()
        case.save(update_fields=["status", "assessment", "assessed_by", "assessed_at"])
        audit_record(
            action="hardship.assess",
            scope=scope,
            org=case.org,
            target=case,
            before={"status": HardshipStatus.APPLIED},
            after={"status": case.status},
        )
    return case


def case_decide(*, scope: Scope, case: HardshipCase, approve: bool, note: str = "") -> HardshipCase:
    """Approve or reject an assessed file. The decision belongs to the union above the one
    that keeps the file (acting for an ancestor of its union), and to someone other than
    the assessor."""
    _require(scope, case.org)
    acting = scope.acting
    if acting is None or not (
        case.org.path.startswith(acting.org_path) and len(acting.org_path) < len(case.org.path)
    ):
        raise ForbiddenError(_("A union above the one keeping the file decides on it."))
    note = _text(note, "note", 300, required=not approve)
    with transaction.atomic():
        case = _locked(case)
        if case.status != HardshipStatus.ASSESSED:
            raise ConflictError(_("Only an assessed file can be decided."))
        if case.assessed_by_id == scope.user.pk:
            raise ForbiddenError(_("Someone other than the assessor decides."))
        before = {"status": case.status}
        case.status = HardshipStatus.APPROVED if approve else HardshipStatus.REJECTED
        case.decision_note, case.decided_by = note, scope.user
        case.decided_org_id, case.decided_at = acting.org_id, timezone.now()
        case.review_due = timezone.localdate() + REVIEW_AFTER if approve else None
        case.save()
        audit_record(
            action="hardship.decide",
            scope=scope,
            org=case.org,
            target=case,
            before=before,
            after={"status": case.status, "note": note},
        )
    return case


def assistance_add(
    *,
    scope: Scope,
    case: HardshipCase,
    kind: str,
    amount_fen: int,
    description: str,
    given_on: date,
) -> HardshipAssistance:
    """Record help given under an approved file: cash, goods or services, with its value."""
    _require(scope, case.org)
    if kind not in AssistanceKind.values:
        raise ApplicationError(_("Choose the kind of help."), fields={"kind": [_("Invalid.")]})
    _value(amount_fen, "amount")
    description = _text(description, "description", 200)
    if given_on > timezone.localdate():
        raise ApplicationError(
            _("The date is in the future."), fields={"given_on": [_("The date is in the future.")]}
        )
    with transaction.atomic():
        case = _locked(case)
        if case.status != HardshipStatus.APPROVED:
            raise ConflictError(_("Help is recorded only under an approved file."))
        row = HardshipAssistance.objects.create(
            case=case,
            org_id=case.org_id,
            kind=kind,
            amount_fen=amount_fen,
            description=description,
            given_on=given_on,
            created_by=scope.user,
        )
        audit_record(
            action="hardship.assist",
            scope=scope,
            org=case.org,
            target=case,
            extra={"kind": kind, "amount_fen": amount_fen, "description": description},
        )
    return row


def case_review(
    *, scope: Scope, case: HardshipCase, year: int, outcome: str, note: str = ""
) -> HardshipReview:
    """The yearly review of an approved file: keep it (next review in a year) or close it."""
    _require(scope, case.org)
    if outcome not in ReviewOutcome.values:
        raise ApplicationError(_("Choose the outcome."), fields={"outcome": [_("Invalid.")]})
    note = _text(note, "note", 300, required=False)
    try:
        with transaction.atomic():
            case = _locked(case)
            if case.status != HardshipStatus.APPROVED:
                raise ConflictError(_("Only an approved file is reviewed."))
            review = HardshipReview.objects.create(
                case=case,
                org_id=case.org_id,
                year=year,
                outcome=outcome,
                note=note,
                reviewed_by=scope.user,
            )
            before = {"status": case.status}
            if outcome == ReviewOutcome.CLOSE:
                case.status, case.review_due = HardshipStatus.CLOSED, None
            else:
                case.review_due = timezone.localdate() + REVIEW_AFTER
            case.save(update_fields=["status", "review_due"])
            audit_record(
                action="hardship.review",
                scope=scope,
                org=case.org,
                target=case,
                before=before,
                after={"status": case.status, "year": year, "outcome": outcome},
            )
    except IntegrityError:
        raise ConflictError(
            _("This file was already reviewed for %(year)s.") % {"year": year}
        ) from None
    return review
