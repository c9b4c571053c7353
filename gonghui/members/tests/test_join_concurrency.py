"""Joining online under parallel requests on PostgreSQL (DESIGN rule 5): the database, not a
check in Python, makes one application per person, one decision per application, distinct
membership numbers, and one escalation per level."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.core.sms import MemorySender
from gonghui.core.testing import PASSWORD, build_world
from gonghui.members.models import ApplicationEvent, MembershipApplication, Worker
from gonghui.members.services import applications_escalate
from gonghui.members.tests.factories import WANG_ID, WANG_PHONE, an_id, apply

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 8


def in_parallel(clients: list[Client], call) -> list[int]:
    """``call(client)`` from every client at the same moment, each thread on its own
    database connection; the status codes."""
    barrier = threading.Barrier(len(clients))

    def run(client: Client) -> int:
        try:
            barrier.wait()
            return call(client).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(clients)) as pool:
        return list(pool.map(run, clients))


def copies_of(client: Client, n: int = PARALLEL) -> list[Client]:
    """``n`` clients sharing one session: the same person in several tabs."""
    copies = []
    for _ in range(n):
        other = Client()
        other.cookies = client.cookies
        copies.append(other)
    return copies


def signed_in_worker(phone: str = WANG_PHONE) -> Client:
    client = Client()
    client.post("/h5/sign-in/", {"phone": phone})
    code = re.search(r"\d{6}", MemorySender.outbox[-1].text).group()
    client.post("/h5/sign-in/", {"phone": phone, "code": code})
    return client


def officer(username: str = "xinjiekou_officer") -> Client:
    client = Client()
    assert client.login(username=username, password=PASSWORD)
    return client


def test_one_person_sending_the_form_from_many_tabs_at_once_applies_once():
    world = build_world()
    form = {
        "name": "王小明", "id_number": WANG_ID, "employment_form": "rider",
        "employer_name": "美团", "industry": "food_delivery", "consent": "on",
        "district": world.orgs["bj-xc"].pk, "work_place": world.orgs["bj-xc-xjk"].pk,
    }  # fmt: skip
    statuses = in_parallel(copies_of(signed_in_worker()), lambda c: c.post("/h5/join/", form))
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [302]  # the others are told why
    assert MembershipApplication.objects.count() == 1
    assert AuditEvent.objects.filter(action="membership_application.submit").count() == 1


def test_many_officers_accepting_one_application_at_once_make_one_member():
    world = build_world()
    app = apply(world)
    url = f"/workers/applications/{app.pk}/accept/"
    statuses = in_parallel(copies_of(officer()), lambda c: c.post(url, {"decided_on": ""}))
    assert sorted(statuses) == [200] * (PARALLEL - 1) + [302]
    assert Worker.objects.count() == 1
    assert ApplicationEvent.objects.filter(kind="accepted").count() == 1
    assert Worker.objects.get().membership_number == "BJ-XC-XJK-000001"


def test_accepting_many_applications_at_once_gives_distinct_numbers_in_sequence():
    world = build_world()
    apps = [apply(world, id_number=an_id("19900101", f"{n:03d}"), phone=f"137000000{n:02d}")
            for n in range(PARALLEL)]  # fmt: skip
    clients = copies_of(officer())
    urls = iter(f"/workers/applications/{app.pk}/accept/" for app in apps)
    lock = threading.Lock()

    def accept(client: Client):
        with lock:
            url = next(urls)
        return client.post(url, {"decided_on": ""})

    assert in_parallel(clients, accept) == [302] * PARALLEL
    numbers = sorted(Worker.objects.values_list("membership_number", flat=True))
    assert numbers == [f"BJ-XC-XJK-{n:06d}" for n in range(1, PARALLEL + 1)]


def test_passing_on_and_deciding_at_the_same_moment_lets_one_win():
    world = build_world()
    app = apply(world)
    clients = copies_of(officer(), 2)
    calls = iter([
        (f"/workers/applications/{app.pk}/accept/", {"decided_on": ""}),
        (f"/workers/applications/{app.pk}/pass-on/",
         {"to_org": world.orgs["bj-xc"].pk, "reason": "上交区总工会"}),
    ])  # fmt: skip
    lock = threading.Lock()

    def act(client: Client):
        with lock:
            url, data = next(calls)
        return client.post(url, data)

    statuses = in_parallel(clients, act)
    # one is done; the other is told it changed meanwhile, or (passed on up, out of the
    # officer's subtree) no longer finds it
    assert sorted(statuses) in ([200, 302], [302, 404])
    app.refresh_from_db()
    accepted = app.status == "accepted"
    assert accepted == Worker.objects.exists() and (accepted or app.org.code == "bj-xc")


def test_escalation_runs_at_the_same_moment_record_each_level_once():
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    world = build_world()
    monday = datetime(2026, 9, 14, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
    for n in range(5):
        apply(world, id_number=an_id("19900101", f"{n:03d}"), phone=f"137000000{n:02d}",
              submitted_at=monday)  # fmt: skip
    barrier = threading.Barrier(4)

    def run(_):
        try:
            barrier.wait()
            return applications_escalate(today=date(2026, 10, 19))
        finally:
            connection.close()

    with ThreadPoolExecutor(4) as pool:
        created = sum(pool.map(run, range(4)))
    events = ApplicationEvent.objects.filter(kind="escalated")
    assert created == events.count() == 10  # five applications, two levels each
    assert AuditEvent.objects.filter(action="membership_application.escalate").count() == 10
