"""The staff API of quizzes: campaigns, figures, ranking, question import."""

import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.core.imports.testing import write_xlsx
from gonghui.quizzes.models import Question
from gonghui.quizzes.tests.console_fixtures import (
    add_people,
    make_bank,
    make_campaign,
    record_sitting,
)


@pytest.fixture
def api(world):
    def _api(username: str) -> Client:
        _row, token = token_create(user=world.users[username], name="test")
        return Client(headers={"authorization": f"Bearer {token}"})

    return _api


@pytest.fixture
def campaign(world):
    campaign = make_campaign(world)
    workers = add_people(world, "bj-dc-lt", 2)
    record_sitting(campaign, workers[0], right=[True, True, True, False])
    return campaign


def test_campaigns_list_and_detail(api, campaign):
    client = api("dongcheng_admin")
    listing = client.get("/api/v1/quizzes/campaigns").json()
    assert listing["count"] == 1
    [row] = listing["results"]
    assert row["org"] == "bj-dc" and row["totals"]["participants"] == 1
    detail = client.get(f"/api/v1/quizzes/campaigns/{campaign.pk}").json()
    assert detail["quotas"][0]["count"] == 4
    assert detail["link"].endswith(f"/h5/quiz/{campaign.token}/")


def test_figures_and_ranking(api, campaign):
    client = api("dongcheng_admin")
    figures = client.get(f"/api/v1/quizzes/campaigns/{campaign.pk}/figures").json()
    longtan = next(u for u in figures["by_unit"] if u["org"] == "bj-dc-lt")
    assert (longtan["eligible"], longtan["participants"], longtan["participation_rate"]) == (
        2,
        1,
        0.5,
    )
    assert sum(b["participants"] for b in figures["score_distribution"]) == 1
    assert figures["questions"][0]["error_rate"] == 100.0
    unit = client.get(f"/api/v1/quizzes/campaigns/{campaign.pk}/figures", {"unit": "bj-dc-lt"})
    assert unit.json()["unit"] == "bj-dc-lt"
    ranking = client.get(f"/api/v1/quizzes/campaigns/{campaign.pk}/ranking").json()
    assert ranking["ranking"][0]["org"] == "bj-dc-lt" and "tie" in ranking["rule"]


def test_questions_are_imported_upload_poll_commit(
    api, world, tmp_path, django_capture_on_commit_callbacks
):
    bank = make_bank(world, "bj-dc", questions=0)
    path = write_xlsx(
        tmp_path / "q.xlsx",
        [
            ["题型", "题干", "选项A", "选项B", "答案"],
            ["单选", "新题一？", "甲", "乙", "A"],
            ["单选", "新题二？", "甲", "乙", "C"],
        ],
    )
    client = api("dongcheng_admin")
    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as handle:
        started = client.post(f"/api/v1/quizzes/banks/{bank.pk}/imports", {"file": handle})
    assert started.status_code == 201, started.content
    job_id = started.json()["id"]
    state = client.get(f"/api/v1/quizzes/imports/{job_id}").json()
    assert state["counts"]["valid"] == 1 and state["errors"][0]["row"] == 3
    with django_capture_on_commit_callbacks(execute=True):
        committed = client.post(
            f"/api/v1/quizzes/imports/{job_id}/commit",
            {"only_good": True},
            content_type="application/json",
        )
    assert committed.status_code == 202
    assert list(Question.objects.filter(bank=bank).values_list("stem", flat=True)) == ["新题一？"]
