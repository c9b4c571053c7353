"""The worker's quiz API: token sign-in, start/resume, the sitting without the key, saving,
submitting once, the result."""

import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang
from gonghui.quizzes.models import Sitting
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.clients import api_client, h5_client
from gonghui.quizzes.tests.factories import add_bank, add_campaign, right_answers

pytestmark = pytest.mark.django_db
JSON = "application/json"


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_pools()
    svc.forget_campaigns()
    yield
    svc.forget_campaigns()


@pytest.fixture
def campaign(world):
    org = world.org("bj-dc")
    return add_campaign(org, add_bank(org), quotas=((None, "", 5),))


def test_the_campaign_is_public_the_rest_needs_a_worker(world, campaign):
    anyone = Client()
    detail = anyone.get(f"/api/v1/quiz/campaigns/{campaign.token}")
    assert detail.status_code == 200 and detail.json()["question_count"] == 5
    assert detail.json()["open"] is True
    assert anyone.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                       content_type=JSON).status_code == 401  # fmt: skip
    # a staff token is not a worker token
    _row, token = token_create(user=world.users["longtan_officer"], name="t")
    staff = Client(headers={"authorization": f"Bearer {token}"})
    assert staff.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                      content_type=JSON).status_code == 401  # fmt: skip


def test_a_worker_takes_the_quiz_through_the_api(world, campaign):
    add_zhang(world)
    client = api_client(ZHANG_PHONE)
    # start
    started = client.post(
        f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {}, content_type=JSON
    )
    assert started.status_code == 200, started.content
    body = started.json()
    assert len(body["questions"]) == 5 and 595 <= body["seconds_left"] <= 600
    sitting = Sitting.objects.get(pk=body["id"])
    answers = right_answers(sitting)
    # save one, and starting again resumes with it
    first = body["questions"][0]
    saved = client.post(f"/api/v1/quiz/sittings/{sitting.pk}/answers",
                        {"question": first["id"], "answer": answers[str(first["id"])]},
                        content_type=JSON)  # fmt: skip
    assert saved.status_code == 200
    again = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {}, content_type=JSON)
    assert again.json()["id"] == sitting.pk
    assert again.json()["questions"][0]["chosen"] == answers[str(first["id"])]
    # submit the rest; resend; read the result
    url = f"/api/v1/quiz/sittings/{sitting.pk}/submit"
    result = client.post(url, {"answers": answers}, content_type=JSON).json()
    assert (result["score"], result["passed"], result["total"]) == (100, True, 5)
    assert len(result["review"]) == 5 and result["review"][0]["explanation"].startswith("解析")
    resent = client.post(url, {"answers": {}}, content_type=JSON).json()
    assert resent == result
    read = client.get(f"/api/v1/quiz/sittings/{sitting.pk}/result").json()
    assert read["score"] == 100 and read["submitted_at"] == result["submitted_at"]
    # the sitting itself no longer lists questions; a new one is refused
    assert client.get(f"/api/v1/quiz/sittings/{sitting.pk}").json()["questions"] == []
    refused = client.post(
        f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {}, content_type=JSON
    )
    assert refused.status_code == 409 and refused.json()["code"] == "no_sittings_left"


def test_errors_have_the_api_shape(world, campaign):
    add_zhang(world)
    client = api_client(ZHANG_PHONE)
    sitting_id = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                             content_type=JSON).json()["id"]  # fmt: skip
    bad = client.post(f"/api/v1/quiz/sittings/{sitting_id}/answers",
                      {"question": 999999, "answer": "A"}, content_type=JSON)  # fmt: skip
    assert bad.status_code == 400 and set(bad.json()) == {"code", "message", "fields"}
    early = client.get(f"/api/v1/quiz/sittings/{sitting_id}/result")
    assert early.status_code == 404
    other = api_client("13900003333")
    assert other.get(f"/api/v1/quiz/sittings/{sitting_id}").status_code == 404


def test_the_h5_session_works_for_the_api_with_its_csrf_check(world, campaign):
    add_zhang(world)
    browser = h5_client(ZHANG_PHONE)
    assert browser.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                        content_type=JSON).status_code == 200  # fmt: skip
    # a request from another site riding on the cookie, without the CSRF token, is refused
    forged = Client(enforce_csrf_checks=True)
    forged.cookies = browser.cookies
    response = forged.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                           content_type=JSON)  # fmt: skip
    assert response.status_code in (401, 403)


def test_several_answers_are_saved_in_one_request_or_none_of_them(world, campaign):
    add_zhang(world)
    client = api_client(ZHANG_PHONE)
    started = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                          content_type=JSON).json()  # fmt: skip
    sitting = Sitting.objects.get(pk=started["id"])
    answers = right_answers(sitting)
    url = f"/api/v1/quiz/sittings/{sitting.pk}/answers"
    first, second, third = (str(q["id"]) for q in started["questions"][:3])
    batch = {first: answers[first], second: answers[second], third: answers[third]}
    assert client.post(url, {"answers": batch}, content_type=JSON).status_code == 200
    # one choice not among the options refuses the whole batch, and nothing of it is saved
    refused = client.post(url, {"answers": {first: "", second: "F"}}, content_type=JSON)
    assert refused.status_code == 400
    shown = chosen(client, sitting)
    assert [shown[k] for k in (first, second, third)] == [batch[k] for k in (first, second, third)]
    # '' clears one while another changes
    assert client.post(url, {"answers": {first: ""}}, content_type=JSON).status_code == 200
    shown = chosen(client, sitting)
    assert shown[first] == "" and shown[second] == batch[second]
    # nothing to save is a bad request; after submission saves are refused
    assert client.post(url, {}, content_type=JSON).status_code == 400
    client.post(f"/api/v1/quiz/sittings/{sitting.pk}/submit", {}, content_type=JSON)
    late = client.post(url, {"answers": {first: answers[first]}}, content_type=JSON)
    assert late.status_code == 409 and late.json()["code"] == "submitted"


def chosen(client, sitting) -> dict[str, str]:
    """The letters the sitting shows as chosen, by question id."""
    questions = client.get(f"/api/v1/quiz/sittings/{sitting.pk}").json()["questions"]
    return {str(q["id"]): q["chosen"] for q in questions}


def test_start_and_submit_record_the_participant_counters_and_audit_events(world, campaign):
    """On PostgreSQL these run as a few plain statements (services/hotpath.py); the rows
    they leave must be what the general path leaves on SQLite."""
    from gonghui.core.models import AuditEvent
    from gonghui.quizzes.models import Participant, SittingAnswer

    worker = add_zhang(world)
    client = api_client(ZHANG_PHONE)
    started = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                          content_type=JSON).json()  # fmt: skip
    sitting = Sitting.objects.get(pk=started["id"])
    participant = Participant.objects.get(campaign=campaign)
    assert (participant.worker_id, participant.org_id, participant.name) == (
        worker.pk, worker.org_id, worker.name)  # fmt: skip
    assert participant.phone_masked == ZHANG_PHONE[:3] + "****" + ZHANG_PHONE[-4:]
    assert (participant.sittings_count, sitting.participant_id, sitting.number) == (
        1, participant.pk, 1)  # fmt: skip
    joined = AuditEvent.objects.get(action="quizzes.participant_join")
    assert (joined.object_id, joined.object_repr, joined.org_id) == (
        str(participant.pk), worker.name, worker.org_id)  # fmt: skip
    assert joined.changes == {"campaign": campaign.pk, "registered": True}
    begun = AuditEvent.objects.get(action="quizzes.sitting_start")
    assert (begun.object_id, begun.object_repr) == (str(sitting.pk), f"{participant.pk} #1")
    answers = right_answers(sitting)
    wrong = next(iter(answers))
    answers[wrong] = "" if len(answers[wrong]) > 1 else ("A" if answers[wrong] != "A" else "B")
    result = client.post(f"/api/v1/quiz/sittings/{sitting.pk}/submit", {"answers": answers},
                         content_type=JSON).json()  # fmt: skip
    assert (result["score"], result["correct_count"], result["counted_score"]) == (80, 4, 80)
    participant.refresh_from_db()
    assert (participant.submitted_count, participant.best_score, participant.counted_score,
            participant.passed) == (1, 80, 80, True)  # fmt: skip
    assert participant.last_submitted_at is not None
    rows = SittingAnswer.objects.filter(sitting=sitting)
    assert rows.count() == 5 and rows.filter(is_correct=False).count() == 1
    closed = AuditEvent.objects.get(action="quizzes.sitting_submit")
    assert (closed.object_id, closed.changes) == (
        str(sitting.pk), {"score": 80, "closed_on_expiry": False})  # fmt: skip


def test_the_hot_answers_match_the_schemas_they_declare(world, campaign):
    """Start, save and submit skip ninja's response validation (core.api.prevalidated);
    what they send must still be exactly what their OpenAPI schemas say."""
    from gonghui.quizzes.api import QuizWorkerOkOut, QuizWorkerResultOut, QuizWorkerSittingOut

    add_zhang(world)
    client = api_client(ZHANG_PHONE)
    started = client.post(f"/api/v1/quiz/campaigns/{campaign.token}/sittings", {},
                          content_type=JSON)  # fmt: skip
    body = started.json()
    assert started["Content-Type"].startswith("application/json")
    assert QuizWorkerSittingOut.model_validate(body).model_dump() == body
    sitting = Sitting.objects.get(pk=body["id"])
    saved = client.post(f"/api/v1/quiz/sittings/{sitting.pk}/answers",
                        {"answers": right_answers(sitting)}, content_type=JSON).json()  # fmt: skip
    assert QuizWorkerOkOut.model_validate(saved).model_dump() == saved
    result = client.post(f"/api/v1/quiz/sittings/{sitting.pk}/submit", {},
                         content_type=JSON).json()  # fmt: skip
    assert QuizWorkerResultOut.model_validate(result).model_dump() == result
    assert result["score"] == 100
