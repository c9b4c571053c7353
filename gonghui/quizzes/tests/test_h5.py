"""The worker's quiz pages on the phone: link -> sign in -> start -> answer -> submit -> result."""

import pytest
from django.test import Client

from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang
from gonghui.quizzes.models import Participant, Sitting
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.clients import h5_client
from gonghui.quizzes.tests.factories import add_bank, add_campaign, right_answers

pytestmark = pytest.mark.django_db
STRANGER = "13900002222"


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


def _start(client, campaign):
    response = client.post(f"/h5/quiz/{campaign.token}/enter/")
    assert response.status_code == 302, response.content.decode()[:800]
    return Sitting.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_the_link_shows_the_quiz_to_anyone_with_the_branch_it_came_from(world, campaign):
    page = Client().get(f"/h5/quiz/{campaign.token}/", {"branch": "bj-dc-lt"})
    body = page.content.decode()
    assert page.status_code == 200 and campaign.title in body and "龙潭街道总工会" in body
    assert f"/h5/quiz/{campaign.token}/enter/?branch=bj-dc-lt" in body


def test_the_landing_page_is_kept_for_visitors_and_carries_no_ones_csrf_token(world, campaign):
    url = f"/h5/quiz/{campaign.token}/"
    first = Client().get(url, {"branch": "bj-dc-lt"})
    again = Client().get(url, {"branch": "bj-dc-lt"})
    assert first.content == again.content  # the kept page, read by the next visitor
    assert b"csrf" not in first.content.lower() and "csrftoken" not in first.cookies
    # a signed-in worker gets their own page: their score once they have one
    add_zhang(world)
    worker = h5_client(ZHANG_PHONE)
    sitting = _start(worker, campaign)
    worker.post(f"/h5/quiz/sittings/{sitting.pk}/submit/", right_answers(sitting))
    assert "您的成绩" in worker.get(url, {"branch": "bj-dc-lt"}).content.decode()
    assert "您的成绩" not in Client().get(url, {"branch": "bj-dc-lt"}).content.decode()


def test_a_draft_or_unknown_campaign_is_not_found(world, campaign):
    campaign.status = "draft"
    campaign.save()
    assert Client().get(f"/h5/quiz/{campaign.token}/").status_code == 404
    assert Client().get("/h5/quiz/nope/").status_code == 404


def test_entering_needs_the_h5_sign_in_and_comes_back(world, campaign):
    response = Client().get(f"/h5/quiz/{campaign.token}/enter/")
    assert response.status_code == 302 and response["Location"].startswith("/h5/sign-in/?next=")


def test_a_worker_goes_from_the_link_to_the_result(world, campaign):
    # given 张三 of the register, signed in with his phone
    add_zhang(world)
    client = h5_client(ZHANG_PHONE)
    assert "开始" in client.get(f"/h5/quiz/{campaign.token}/enter/").content.decode()
    # when he starts, answers one question as he goes and hands in the rest with the form
    sitting = _start(client, campaign)
    page = client.get(f"/h5/quiz/sittings/{sitting.pk}/")
    assert (
        page.status_code == 200 and page.content.decode().count('data-testid="quiz-question"') == 5
    )
    answers = right_answers(sitting)
    first, *rest = sitting.paper
    chosen = list(answers[str(first["q"])])
    saved = client.post(f"/h5/quiz/sittings/{sitting.pk}/answer/",
                        {"question": first["q"], "answer": chosen})  # fmt: skip
    assert saved.status_code == 204
    form = {f"q{item['q']}": list(answers[str(item["q"])]) for item in rest}
    done = client.post(f"/h5/quiz/sittings/{sitting.pk}/submit/", form)
    # then the result page shows 100, passed, and the answers with explanations
    assert done["Location"] == f"/h5/quiz/sittings/{sitting.pk}/result/"
    result = client.get(done["Location"]).content.decode()
    assert 'data-testid="quiz-score">100<' in result and "解析" in result
    # and the sitting page now leads to the result; another start is refused
    assert client.get(f"/h5/quiz/sittings/{sitting.pk}/")["Location"].endswith("/result/")
    again = client.post(f"/h5/quiz/{campaign.token}/enter/")
    assert again.status_code == 200 and Sitting.objects.count() == 1


def test_the_result_hides_answers_when_the_campaign_does_not_show_them(world, campaign):
    campaign.show_answers = False
    campaign.save()
    add_zhang(world)
    client = h5_client(ZHANG_PHONE)
    sitting = _start(client, campaign)
    client.post(f"/h5/quiz/sittings/{sitting.pk}/submit/")
    result = client.get(f"/h5/quiz/sittings/{sitting.pk}/result/").content.decode()
    assert 'data-testid="quiz-score">0<' in result
    assert "解析" not in result and "quiz-review" not in result


def test_someone_not_registered_is_refused_or_asked_for_name_and_unit(world, campaign):
    client = h5_client(STRANGER)
    page = client.get(f"/h5/quiz/{campaign.token}/enter/").content.decode()
    assert 'data-testid="quiz-refused"' in page
    assert client.post(f"/h5/quiz/{campaign.token}/enter/").status_code == 200
    assert not Participant.objects.exists()
    # the campaign allows them: name + unit, the link's branch chosen already
    campaign.allow_unregistered = True
    campaign.save()
    svc.forget_campaigns()
    page = client.get(f"/h5/quiz/{campaign.token}/enter/?branch=bj-dc-lt").content.decode()
    assert 'name="name"' in page and "selected>龙潭街道总工会" in page
    missing = client.post(f"/h5/quiz/{campaign.token}/enter/", {"branch": "bj-dc-lt"})
    assert "field-error" in missing.content.decode()
    unit = world.org("bj-dc-lt-sy")
    sitting = _start_with(client, campaign, {"name": "王五", "org": unit.pk})
    assert (sitting.participant.name, sitting.participant.org_id) == ("王五", unit.pk)


def _start_with(client, campaign, data):
    response = client.post(f"/h5/quiz/{campaign.token}/enter/", data)
    assert response.status_code == 302, response.content.decode()[:800]
    return Sitting.objects.get(pk=int(response["Location"].rstrip("/").split("/")[-1]))


def test_another_workers_sitting_is_not_found(world, campaign):
    add_zhang(world)
    sitting = _start(h5_client(ZHANG_PHONE), campaign)
    campaign.allow_unregistered = True
    campaign.save()
    svc.forget_campaigns()
    other = h5_client(STRANGER)
    for url in ("", "result/"):
        assert other.get(f"/h5/quiz/sittings/{sitting.pk}/{url}").status_code == 404
    assert other.post(f"/h5/quiz/sittings/{sitting.pk}/submit/").status_code == 404
    assert Sitting.objects.get(pk=sitting.pk).submitted_at is None
