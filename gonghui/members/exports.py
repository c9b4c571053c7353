"""Exporting the workers register to xlsx: any filtered list, streamed row by row, masked
unless the user may see personal data in plain text, and always audited (DESIGN rule 2)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from itertools import islice
from typing import IO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.audit import audit_record
from gonghui.core.crypto import decrypt, keyring
from gonghui.core.exports import write_xlsx_file
from gonghui.core.permissions import Perm
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.scope import Scope
from gonghui.members.models import (
    ApplicationStatus,
    EmploymentForm,
    Gender,
    Industry,
    MembershipStatus,
    Worker,
)
from gonghui.members.selectors import application_list, worker_list
from gonghui.orgs.models import Org

BATCH = 2000
FIELDS = (
    "pk",
    "name",
    "gender",
    "birth_date",
    "id_number_masked",
    "id_number_enc",
    "phone_masked",
    "phone_enc",
    "employer__name",
    "employment_form",
    "org__name",
    "membership_status",
    "joined_on",
    "left_on",
)
LONG_DIGITS = re.compile(r"[\dXx]{7,}")


def may_reveal(scope: Scope) -> bool:
    """Plain values only for a user holding the reveal permission wherever the rows may
    come from: in the console that is the acting org (the scope is its subtree)."""
    return bool(scope.grants) and all(Perm.REVEAL_PII in g.perms for g in scope.grants)


def _headers() -> list[str]:
    return [
        pgettext("person", "Name"),
        _("Gender"),
        _("Birth date"),
        _("Resident ID number"),
        _("Mobile phone"),
        _("Employer"),
        _("Employment form"),
        _("Union"),
        _("Membership"),
        _("Joined the union on"),
        _("Left on"),
        _("Groups"),
    ]


WIDTHS = (10, 6, 12, 21, 14, 28, 14, 28, 10, 12, 12, 24)


def _rows(workers, reveal: bool) -> Iterator[list]:
    """Rows in batches: a million-row export holds one batch at a time, and the groups of
    a batch come in one query."""
    forms, genders = dict(EmploymentForm.choices), dict(Gender.choices)
    statuses = dict(MembershipStatus.choices)
    ring = keyring() if reveal else None
    rows = workers.values_list(*FIELDS).iterator(chunk_size=BATCH)
    while batch := list(islice(rows, BATCH)):
        groups = _groups_of([row[0] for row in batch])
        for pk, name, gender, born, id_masked, id_enc, phone_masked, phone_enc, *rest in batch:
            employer, form, org, status, joined, left = rest
            if reveal:
                id_masked = decrypt("id_number", id_enc, ring) if id_enc else ""
                phone_masked = decrypt("phone", phone_enc, ring) if phone_enc else ""
            yield [
                name,
                genders.get(gender, ""),
                born,
                id_masked,
                phone_masked,
                employer or "",
                forms.get(form, form),
                org,
                statuses.get(status, status),
                joined,
                left,
                "、".join(groups.get(pk, ())),
            ]


def _groups_of(worker_ids: list[int]) -> dict[int, list[str]]:
    through = Worker.groups.through
    pairs = through.objects.filter(worker_id__in=worker_ids).values_list(
        "worker_id", "workergroup__name"
    )
    found: dict[int, list[str]] = {}
    for worker_id, name in pairs.order_by("workergroup__order"):
        found.setdefault(worker_id, []).append(name)
    return found


def _safe_filters(filters: dict) -> dict:
    """The filters as the audit log keeps them: a phone or ID typed into the search box is
    personal data too, so long digit runs are masked."""

    def mask(match: re.Match) -> str:
        digits = match.group(0)
        return mask_id_number(digits) if len(digits) > 11 else mask_phone(digits)

    safe = {key: value for key, value in filters.items() if value not in ("", None, False)}
    if safe.get("q"):
        safe["q"] = LONG_DIGITS.sub(mask, safe["q"])
    return safe


def workers_export(*, scope: Scope, filters: dict) -> tuple[IO[bytes], str]:
    """Write the workers matching ``filters`` (``worker_list`` arguments) to a temporary
    xlsx; (the file, a download name). Audited as ``workers.export`` with the filters,
    whether values were revealed, and the number of rows."""
    reveal = may_reveal(scope)
    workers = worker_list(scope, **filters)
    handle, count = write_xlsx_file(
        _headers(), _rows(workers, reveal), sheet_name=_("Workers"), widths=WIDTHS
    )
    acting = Org.objects.filter(pk=scope.acting_org_id).first() if scope.acting else None
    with transaction.atomic():
        audit_record(
            action="workers.export",
            scope=scope,
            org=acting,
            extra={"filters": _safe_filters(filters), "revealed": reveal, "rows": count},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return handle, _("Workers register %(stamp)s.xlsx") % {"stamp": stamp}


# Membership applications


def _application_headers() -> list[str]:
    return [
        pgettext("person", "Name"),
        _("Resident ID number"),
        _("Mobile phone"),
        _("Employment form"),
        _("Employer"),
        _("Industry"),
        _("Place of work"),
        _("Employer not to be told"),
        _("Handling union"),
        _("Status"),
        _("Submitted"),
        _("Decide by"),
        _("Decided on"),
        _("Reason"),
    ]


def _application_rows(apps) -> Iterator[list]:
    forms = dict(EmploymentForm.choices)
    industries = dict(Industry.choices)
    statuses = dict(ApplicationStatus.choices)
    columns = (
        "name", "id_number_masked", "phone_masked", "employment_form", "employer_name",
        "industry", "work_place__name", "not_notify_employer", "org__name", "status",
        "submitted_at", "due_on", "decided_on", "decline_reason",
    )  # fmt: skip
    for row in apps.values_list(*columns).iterator(chunk_size=BATCH):
        name, id_masked, phone_masked, form, employer, industry, place, quiet, *rest = row
        org, status, submitted, due, decided, reason = rest
        yield [
            name, id_masked, phone_masked, forms.get(form, form), employer,
            industries.get(industry, industry), place.removesuffix("总工会"),
            _("Yes") if quiet else "", org,
            statuses.get(status, status), timezone.localtime(submitted), due, decided, reason,
        ]  # fmt: skip


def applications_export(*, scope: Scope, filters: dict) -> tuple[IO[bytes], str]:
    """The applications of an inbox view as xlsx, personal data masked; audited with the
    filters and the number of rows."""
    apps = application_list(scope, **filters)
    handle, count = write_xlsx_file(
        _application_headers(),
        _application_rows(apps),
        sheet_name=_("Membership applications"),
        widths=(10, 21, 14, 14, 24, 16, 14, 10, 24, 10, 17, 12, 12, 30),
    )
    acting = Org.objects.filter(pk=scope.acting_org_id).first() if scope.acting else None
    with transaction.atomic():
        audit_record(
            action="membership_applications.export",
            scope=scope,
            org=acting,
            extra={"filters": _safe_filters(filters), "rows": count},
        )
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return handle, _("Membership applications %(stamp)s.xlsx") % {"stamp": stamp}


def application_figures_export(figures) -> tuple[IO[bytes], str]:
    """The figures page as xlsx: by union, then by employment form, with the as-of time."""
    headers = [
        _("Breakdown"),
        _("Union or employment form"),
        _("Applications"),
        _("Pending"),
        _("Overdue"),
        _("Accepted"),
        _("Declined"),
        _("Median working days to a decision"),
    ]

    def rows():
        for group, lines in (
            (_("By union"), figures.by_union),
            (_("By employment form"), figures.by_form),
            (_("Total"), [figures.total]),
        ):
            for line in lines:
                yield [
                    group, line.label, line.applications, line.pending, line.overdue,
                    line.accepted, line.declined, line.median_days,
                ]  # fmt: skip
        yield []
        yield [_("As of"), timezone.localtime(figures.as_of)]

    handle, _count = write_xlsx_file(
        headers, rows(), sheet_name=_("Figures"), widths=(12, 30, 10, 10, 10, 10, 10, 16)
    )
    stamp = timezone.localtime(figures.as_of).strftime("%Y%m%d-%H%M")
    name = _("Membership applications, %(union)s, %(stamp)s.xlsx")
    return handle, name % {"union": figures.org.name, "stamp": stamp}
