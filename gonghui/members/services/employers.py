"""Employers: found by credit code or name, created when a worker names a new one."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumError

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.identity import normalise_text
from gonghui.core.pinyin import pinyin_keys
from gonghui.core.scope import Scope
from gonghui.members.models import Employer
from gonghui.orgs.models import Org, OrgKind


def employer_create(
    *, scope: Scope, name: str, credit_code: str = "", union: Org | None = None
) -> Employer:
    name, credit_code = normalise_text(name), normalise_text(credit_code).upper()
    errors: dict[str, list[str]] = {}
    if not name:
        errors["name"] = [_("Enter the employer's name.")]
    if credit_code:
        try:
            credit_code = uscc.validate(credit_code)
        except StdnumError:
            errors["credit_code"] = [
                _("Not a valid unified social credit code (18 characters, checksum).")
            ]
    if union is not None and (union.kind != OrgKind.GRASSROOTS or not scope.covers(union)):
        errors["union"] = [_("Choose a grassroots union within your organisation.")]
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    try:
        with transaction.atomic():
            employer = Employer.objects.create(
                name=name, credit_code=credit_code, union=union, name_pinyin=pinyin_keys(name)[0]
            )
            audit_record(
                action="employer.create",
                scope=scope,
                org=union,
                target=employer,
                after={"name": name, "credit_code": credit_code},
            )
    except IntegrityError:
        raise ConflictError(_("This employer is already registered.")) from None
    return employer


def employer_for_name(name: str) -> Employer | None:
    """The employer a worker names, created if new (names only: a credit code is added by
    staff later). Part of the caller's transaction and audit event."""
    name = normalise_text(name)[:100]
    if not name:
        return None
    employer = Employer.objects.filter(name=name).order_by("pk").first()
    if employer is None:
        employers_ensure(names={name})
        employer = Employer.objects.filter(name=name).order_by("pk").first()
    return employer


def employers_ensure(*, names: set[str]) -> int:
    """Create the employers among ``names`` that do not exist yet; how many were new.

    Concurrent imports naming the same new employer are settled by the database: the
    unique name (for employers without a credit code) makes the second insert a no-op."""
    ordered = sorted(names)
    known: set[str] = set()
    for start in range(0, len(ordered), 5000):
        batch = ordered[start : start + 5000]
        known.update(Employer.objects.filter(name__in=batch).values_list("name", flat=True))
    new = [
        Employer(name=name, name_pinyin=pinyin_keys(name)[0])
        for name in ordered
        if name and name not in known
    ]
    Employer.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    return len(new)
