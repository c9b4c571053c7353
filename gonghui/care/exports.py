"""Exports of hand-outs and their figures to xlsx (DESIGN rule 7), streamed and audited.
Phones leave masked: the sheet is for counting, not for calling people."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.care import selectors
from gonghui.core.audit import audit_record
from gonghui.core.exports import write_xlsx_file
from gonghui.core.scope import Scope
from gonghui.orgs.models import Org


def _acting(scope: Scope):
    return Org.objects.filter(pk=scope.acting_org_id).first() if scope.acting else None


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def distributions_export(*, scope: Scope, filters: dict):
    labels = selectors.target_labels()
    rows = (
        selectors.distribution_list(scope, **filters)
        .values_list(
            "campaign__name",
            "org__name",
            "site__name",
            "day",
            "handed_at",
            "worker__name",
            "worker__phone_masked",
            "target",
            "value_fen",
            "voided_at",
            "void_reason",
        )
        .iterator(chunk_size=2000)
    )

    def lines():
        for campaign, org, site, day, at, name, phone, target, value, voided, reason in rows:
            yield [
                campaign,
                org,
                site,
                day,
                timezone.localtime(at).replace(tzinfo=None),
                name,
                phone,
                labels.get(target, target),
                value / 100,
                _("voided") if voided else "",
                reason,
            ]

    headers = [
        _("Campaign"),
        _("Union"),
        _("Site"),
        _("Day"),
        _("Time"),
        _("Name"),
        _("Mobile phone"),
        _("Counted as"),
        _("Value (yuan)"),
        _("Voided"),
        _("Reason"),
    ]
    handle, count = write_xlsx_file(
        headers,
        lines(),
        sheet_name=_("Hand-outs"),
        widths=(24, 22, 18, 12, 17, 10, 13, 14, 12, 8, 20),
    )
    with transaction.atomic():
        safe = {k: str(v) for k, v in filters.items() if v not in (None, "", False)}
        audit_record(
            action="care.export",
            scope=scope,
            org=_acting(scope),
            extra={"filters": safe, "rows": count},
        )
    return handle, _("Hand-outs %(stamp)s.xlsx") % {"stamp": _stamp()}


def figures_export(*, scope: Scope, campaign_id: int | None = None):
    """Every breakdown of the figures in one sheet: dimension, key, person-times, people,
    value, with the as-of time on each row."""
    figures = selectors.care_figures(scope, campaign_id=campaign_id)
    as_of = timezone.localtime(figures.as_of).replace(tzinfo=None)
    parts = [
        (_("Group"), figures.by_target),
        (_("Site"), figures.by_site),
        (_("Union"), figures.by_org),
        (_("Day"), figures.by_day),
    ]

    def lines():
        yield [_("Total"), "", figures.person_times, figures.people, figures.value_fen / 100, as_of]
        for dimension, rows in parts:
            for line in rows:
                yield [
                    dimension,
                    line.label,
                    line.person_times,
                    line.people,
                    line.value_fen / 100,
                    as_of,
                ]

    headers = [_("By"), _("Which"), _("Person-times"), _("People"), _("Value (yuan)"), _("As of")]
    handle, _count = write_xlsx_file(
        headers, lines(), sheet_name=_("Figures"), widths=(10, 28, 12, 10, 14, 17)
    )
    return handle, _("Relief figures %(stamp)s.xlsx") % {"stamp": _stamp()}
