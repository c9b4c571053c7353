"""Figures of joining online (DESIGN rule 7): applications, accepted, declined, overdue and
the median working days to a decision, rolled up by union and by employment form, computed
from the application records of the user's scope, each with its drill-down to those records.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlencode

from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.scope import Scope
from gonghui.members.forms_join import FORM_CHOICES
from gonghui.members.models import ApplicationStatus, MembershipApplication
from gonghui.orgs.models import Org, OrgKind

PENDING = ApplicationStatus.PENDING
PLACE_KINDS = (OrgKind.FEDERATION, OrgKind.AREA, OrgKind.COMMUNITY)


def median(histogram: Counter) -> float | None:
    """The median of values given as {value: how many}; None when there are none."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = {(total - 1) // 2, total // 2}
    found, seen = [], 0
    for value, count in sorted(histogram.items()):
        for position in sorted(wanted):
            if seen <= position < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


@dataclass
class FigureLine:
    """One row of the figures: a union (its whole subtree) or an employment form."""

    label: str
    query: dict  # the inbox filters that list the records behind the row
    code: str | None = None  # the union's code, for a union's row
    applications: int = 0
    pending: int = 0
    overdue: int = 0
    accepted: int = 0
    declined: int = 0
    days: Counter = field(default_factory=Counter)

    def add(self, status: str, days: int | None, n: int, late: int) -> None:
        self.applications += n
        self.overdue += late
        if status == PENDING:
            self.pending += n
        elif status == ApplicationStatus.ACCEPTED:
            self.accepted += n
        else:
            self.declined += n
        if days is not None:
            self.days[days] += n

    @property
    def median_days(self) -> float | None:
        return median(self.days)

    def _url(self, **changes) -> str:
        return reverse("members:applications") + "?" + urlencode({**self.query, **changes})

    @property
    def urls(self) -> dict[str, str]:
        """Where each figure of the row drills down to: the inbox listing its records."""
        return {
            "all": self._url(),
            "pending": self._url(view="pending"),
            "overdue": self._url(view="overdue"),
            "accepted": self._url(status=ApplicationStatus.ACCEPTED.value),
            "declined": self._url(status=ApplicationStatus.DECLINED.value),
        }


@dataclass
class Figures:
    org: Org
    by_union: list[FigureLine]
    by_form: list[FigureLine]
    total: FigureLine
    as_of: datetime


def application_figures(scope: Scope, org: Org, *, today: date | None = None) -> Figures:
    """The figures under ``org`` (which the caller has fetched through the scope), one row per
    union directly below it (its whole subtree rolled up), one for ``org`` itself, and one
    per employment form. One grouped query over the records."""
    today = today or timezone.localdate()
    unit_length = len(org.path) + Org.steplen
    rows = (
        scope.filter(MembershipApplication.objects.filter(org__path__startswith=org.path))
        .order_by()
        .annotate(unit=Substr("org__path", 1, unit_length))
        .values("unit", "employment_form", "status", "decision_days")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(status=PENDING, due_on__lt=today)))
    )
    base = {"view": "all", "org": org.pk}
    children = list(
        Org.objects.filter(path__startswith=org.path, depth=org.depth + 1).order_by("name_pinyin")
    )
    units = {org.path: FigureLine(_("%(union)s itself") % {"union": org.name},
                                  {**base, "exact": "on"}, org.code)}  # fmt: skip
    places = {org.path} | {c.path for c in children if c.kind in PLACE_KINDS}
    for child in children:
        units[child.path] = FigureLine(child.name, {"view": "all", "org": child.pk}, child.code)
    forms = {value: FigureLine(str(label), {**base, "employment_form": value})
             for value, label in FORM_CHOICES}  # fmt: skip
    total = FigureLine(_("Total"), base, org.code)
    for row in rows:
        args = (row["status"], row["decision_days"], row["n"], row["late"])
        for line in (units.get(row["unit"]), forms.get(row["employment_form"]), total):
            if line is not None:
                line.add(*args)
    # Enterprise unions without a single application would only bury the streets' rows.
    shown = [line for path, line in units.items() if line.applications or path in places]
    return Figures(org, shown, list(forms.values()), total, timezone.now())


def application_counts(scope: Scope, *, today: date | None = None) -> FigureLine:
    """The dashboard's totals over the whole scope."""
    today = today or timezone.localdate()
    rows = (
        scope.filter(MembershipApplication.objects.all())
        .order_by()
        .values("status", "decision_days")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(status=PENDING, due_on__lt=today)))
    )
    total = FigureLine(_("Total"), {"view": "all"})
    for row in rows:
        total.add(row["status"], row["decision_days"], row["n"], row["late"])
    return total
