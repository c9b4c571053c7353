"""Parallel requests on PostgreSQL (DESIGN rule 5): a submission resent 100 times at once is
counted once, and a one-sitting campaign started from two browsers at once has one sitting."""

import re
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.core.testing import build_world
from gonghui.members.tests.factories import add_worker
from gonghui.quizzes.models import Participant, Sitting, SittingAnswer
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.clients import h5_client, worker_token
from gonghui.quizzes.tests.factories import add_bank, add_campaign, right_answers

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
SUBMISSIONS = 100
THREADS = 40  # PostgreSQL allows 100 connections; each thread holds one
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_caches(settings):
    settings.OTP_RESEND_SECONDS = 0  # two browsers of one phone each ask for a code
    forget_pools()
    svc.forget_campaigns()
    yield
    svc.forget_campaigns()


def _campaign(world):
    org = world.org("bj-dc")
    return add_campaign(org, add_bank(org), quotas=((None, "", 5),))


def _in_parallel(count: int, threads: int, call):
    barrier = threading.Barrier(threads)
    waited = set()

    def run(n: int):
        try:
            if threading.get_ident() not in waited:
                waited.add(threading.get_ident())
                barrier.wait()
            return call(n)
        finally:
            connection.close()

    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(run, range(count)))


def test_a_hundred_parallel_duplicate_submissions_are_counted_once():
    # given 张三 in the middle of a sitting, his phone resending the submission
    world = build_world()
    campaign = _campaign(world)
    add_worker(world, "bj-dc-lt", "张三", phone="13812345678")
    client_headers = {"authorization": f"Bearer {worker_token('13812345678')}"}
    start = Client(headers=client_headers).post(
        f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {}, content_type=JSON
    )
    sitting = Sitting.objects.get(pk=start.json()["id"])
    answers = right_answers(sitting)
    url = f"/api/v1/quiz/sittings/{sitting.pk}/submit"

    def submit(_n):
        response = Client(headers=client_headers).post(url, {"answers": answers}, content_type=JSON)
        return (
            response.status_code,
            response.json().get("score"),
            response.json().get("submitted_at"),
        )

    # when
    results = _in_parallel(SUBMISSIONS, THREADS, submit)
    # then every answer is the one first result; one sitting scored, counted and audited once
    assert Counter(results) == {(200, 100, results[0][2]): SUBMISSIONS}
    assert SittingAnswer.objects.filter(sitting=sitting).count() == 5
    participant = Participant.objects.get()
    assert (participant.submitted_count, participant.counted_score) == (1, 100)
    assert AuditEvent.objects.filter(action="quizzes.sitting_submit").count() == 1


def test_a_one_sitting_campaign_started_from_two_browsers_at_once_has_one_sitting():
    world = build_world()
    campaign = _campaign(world)
    for round_ in range(12):  # several rounds: the race must be met, not dodged
        phone = f"1381234{round_:04d}"
        add_worker(world, "bj-dc-lt", f"职工{round_}", phone=phone)
        browsers = [h5_client(phone), h5_client(phone)]

        def start(n, browsers=browsers):
            response = browsers[n].post(f"/h5/quiz/{campaign.token}/enter/")
            if response.status_code == 200:
                return 200, tuple(re.findall(r"role=\"alert\">([^<]*)<", response.content.decode()))
            return response.status_code, response.get("Location")

        results = _in_parallel(2, 2, start)
        sittings = Sitting.objects.filter(participant__phone_index=svc_index(phone))
        assert sittings.count() == 1, results
        # both browsers are sent to that one sitting (the second one resumes it)
        assert {r for r in results} == {(302, f"/h5/quiz/sittings/{sittings.get().pk}/")}
        assert Participant.objects.filter(phone_index=svc_index(phone)).get().sittings_count == 1


def test_many_starts_through_the_api_at_once_never_pass_the_limit():
    world = build_world()
    org = world.org("bj-dc")
    campaign = add_campaign(org, add_bank(org), quotas=((None, "", 5),), sittings_allowed=2)
    add_worker(world, "bj-dc-lt", "张三", phone="13812345678")
    token = f"Bearer {worker_token('13812345678')}"

    def start_and_submit(_n):
        client = Client(headers={"authorization": token})
        response = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                               content_type=JSON)  # fmt: skip
        if response.status_code == 200:
            client.post(f"/api/v1/quiz/sittings/{response.json()['id']}/submit", {},
                        content_type=JSON)  # fmt: skip
        return response.status_code

    statuses = _in_parallel(30, 15, start_and_submit)
    assert Sitting.objects.count() <= 2 and set(statuses) <= {200, 409}
    assert sorted(Sitting.objects.values_list("number", flat=True)) in ([1], [1, 2])


def svc_index(phone: str) -> str:
    from gonghui.core.crypto import blind_index

    return blind_index("phone", phone)
