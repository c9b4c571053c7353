"""Reads of the workers register, always through a Scope."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import Lower

from gonghui.core.crypto import blind_index
from gonghui.core.identity import normalise_id_number, normalise_phone, normalise_text
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope, get_scoped
from gonghui.members.models import (
    GIG_FORMS,
    Employer,
    MembershipStatus,
    Worker,
    WorkerGroup,
    WorkerTransfer,
)

ID_LIKE = re.compile(r"^\d{17}[\dX]$")
LETTERS = re.compile(r"^[a-z]+$")


def worker_search_q(q: str) -> Q:
    """What a person types into one search box, read the way they meant it:
    ``zs`` or ``zhangsan`` (pinyin), ``5678`` (last four digits of the phone), a whole
    mobile number or resident ID (exact, through the blind index), or a name."""
    text = normalise_text(q)
    compact = text.replace(" ", "").lower()
    if not compact:
        return Q()
    if compact.isdigit() and len(compact) == 4:
        return Q(phone_tail=compact)
    phone = normalise_phone(text)
    if phone.isdigit() and len(phone) == 11:
        return Q(phone_index=blind_index("phone", phone))
    id_number = normalise_id_number(text)
    if ID_LIKE.match(id_number):
        return Q(id_number_index=blind_index("id_number", id_number))
    if LETTERS.match(compact):
        return Q(name_initials__startswith=compact) | Q(name_pinyin__startswith=compact)
    return Q(name__startswith=text)


def worker_list(
    scope: Scope,
    *,
    q: str = "",
    org_id: int | None = None,
    employment_form: str = "",
    gig: bool = False,
    membership_status: str = "",
    group: str = "",
    employer_id: int | None = None,
) -> QuerySet[Worker]:
    """Workers in scope, filtered, sorted by pinyin as a Chinese reader expects."""
    workers = scope.filter(Worker.objects.all())
    if q:
        workers = workers.filter(worker_search_q(q))
    if org_id:
        org = scope.orgs().filter(pk=org_id).first()
        workers = workers.filter(org__path__startswith=org.path) if org else workers.none()
    if employment_form:
        workers = workers.filter(employment_form=employment_form)
    if gig:
        workers = workers.filter(employment_form__in=GIG_FORMS)
    if membership_status:
        workers = workers.filter(membership_status=membership_status)
    if group:
        workers = workers.filter(groups__code=group)
    if employer_id:
        workers = workers.filter(employer_id=employer_id)
    workers = workers.select_related("org", "employer")
    if q:
        # A search matches few rows: sort those. Ordered by the bare column, the planner may
        # instead walk the whole pinyin index hoping to meet 50 matches early (seconds at a
        # million workers). Lower() of the (lower-case) pinyin sorts the same, index-free.
        return workers.order_by(Lower("name_pinyin"), "pk")
    return workers.order_by("name_pinyin", "pk")


def get_worker_for(scope: Scope, worker_id: int, *, perm: Perm = Perm.VIEW) -> Worker:
    return get_scoped(
        scope, Worker.objects.select_related("org", "employer"), perm=perm, pk=worker_id
    )


def worker_transfers(scope: Scope, worker: Worker) -> QuerySet[WorkerTransfer]:
    """A worker's moves; the unions at either end are named even when outside the scope
    (the worker's history is theirs), but only for a worker the user may see."""
    if not scope.covers(worker.org):
        return WorkerTransfer.objects.none()
    return worker.transfers.select_related("from_org", "to_org", "transferred_by")


def worker_counts(scope: Scope) -> dict:
    """Totals for the dashboard: workers, members, gig workers, by employment form."""
    workers = scope.filter(Worker.objects.order_by())
    by_form = Counter(
        dict(workers.values_list("employment_form").annotate(n=Count("pk")).order_by())
    )
    members = workers.filter(membership_status=MembershipStatus.MEMBER).count()
    return {
        "total": sum(by_form.values()),
        "members": members,
        "gig": sum(n for form, n in by_form.items() if form in GIG_FORMS),
        "by_form": by_form,
    }


def group_list() -> QuerySet[WorkerGroup]:
    return WorkerGroup.objects.all()


def employer_search(q: str, *, limit: int = 20) -> list[Employer]:
    """Employers are not personal data and are shared by every union (models.Employer)."""
    text = normalise_text(q)
    if not text:
        return []
    key = text.lower().replace(" ", "")
    found = Employer.objects.filter(
        Q(name__contains=text) | Q(credit_code=text.upper()) | Q(name_pinyin__startswith=key)
    )
    return list(found.order_by("name_pinyin")[:limit])
