"""The answer key never reaches the browser before submission: not in any page, API response,
attribute or script, whichever way the worker gets there (issue 4).

The walk visits every quiz URL of the H5 pages and every operation of the quiz API that a
worker can reach with an unsubmitted sitting, and checks each response for the explanations
(unique marker text), key-bearing names and attributes, and the per-question right letters.
"""

import json
import re

import pytest
from django.test import Client
from django.urls import get_resolver

from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang
from gonghui.quizzes.models import Question
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.clients import api_client, h5_client
from gonghui.quizzes.tests.factories import add_bank, add_campaign

pytestmark = pytest.mark.django_db
SECRET = "KEYSECRET"
KEY_WORDS = re.compile(
    r"is-right|data-right|data-answer|data-correct|data-key|\"right\"|explanation"
)
JSON_KEYS = {"answer", "answers_key", "right", "correct", "explanation", "key", "is_correct"}


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_pools()
    svc.forget_campaigns()
    yield
    svc.forget_campaigns()


def _json_keys(value) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _json_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _json_keys(v)}
    return set()


def _check(response, where: str) -> None:
    assert response.status_code < 500, where
    body = response.content.decode()
    assert SECRET not in body, f"{where} shows an explanation"
    assert not KEY_WORDS.search(body), f"{where}: {KEY_WORDS.search(body).group()}"
    if response.get("Content-Type", "").startswith("application/json"):
        leaked = _json_keys(json.loads(body)) & JSON_KEYS
        assert not leaked, f"{where} answers with {leaked}"


def test_no_page_or_api_response_carries_the_key_before_submission(world, settings):
    settings.OTP_RESEND_SECONDS = 0
    # given a campaign whose explanations carry a marker, and 张三 in the middle of a sitting
    org = world.org("bj-dc")
    bank = add_bank(org)
    Question.objects.update(explanation=SECRET + " 解析")
    campaign = add_campaign(org, bank, quotas=((None, "", 8),), show_answers=True)
    add_zhang(world)
    browser = h5_client(ZHANG_PHONE)
    api = api_client(ZHANG_PHONE)
    started = api.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                       content_type="application/json")  # fmt: skip
    _check(started, "POST start")
    sitting_id = started.json()["id"]
    first = started.json()["questions"][0]
    # when every H5 route of the app is visited by GET (and the answer/submit-less POSTs)
    routes = [p for p in get_resolver().url_patterns if str(p.pattern) == "h5/quiz/"][0]
    values = {"quizcampaign_token": campaign.token, "sitting_id": sitting_id}
    visited = 0
    for pattern in routes.url_patterns:
        if pattern.name == "submit":
            continue  # submitting is what reveals the key; everything else must not
        url = "/h5/quiz/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: str(values[m.group(1)]),
                                   str(pattern.pattern))  # fmt: skip
        for response in (browser.get(url), browser.get(url, {"branch": "bj-dc-lt"}),
                         Client().get(url)):  # fmt: skip
            _check(response, f"GET {url}")
        if pattern.name == "answer":
            _check(browser.post(url, {"question": first["id"], "answer": "A"}), f"POST {url}")
        visited += 1
    assert visited == len(routes.url_patterns) - 1
    # and every quiz API operation a worker can call before submitting
    schema = Client().get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        if not path.startswith("/api/v1/quiz/") or "sign-in" in path or path.endswith("/submit"):
            continue
        url = re.sub(r"\{(\w+)\}", lambda m: str(values[m.group(1)]), path)
        for method in item:
            if method == "get":
                _check(api.get(url), f"GET {url}")
            elif method == "post":
                body = {"question": first["id"], "answer": "B"} if url.endswith("/answers") else {}
                _check(api.post(url, body, content_type="application/json"), f"POST {url}")
    # then, only now, submitting shows the explanations (the campaign shows answers)
    submitted = api.post(f"/api/v1/quiz/sittings/{sitting_id}/submit", {},
                         content_type="application/json")  # fmt: skip
    assert SECRET in submitted.content.decode()
