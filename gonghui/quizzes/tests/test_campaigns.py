"""Campaigns on the organiser's side: creating, paper quotas, opening, links and QR codes."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.core.errors import ApplicationError
from gonghui.core.models import AuditEvent
from gonghui.quizzes.models import QuizCampaign
from gonghui.quizzes.services.campaigns import (
    Quota,
    campaign_set_quotas,
    campaign_set_status,
    campaign_update,
)
from gonghui.quizzes.tests.console_fixtures import (
    add_people,
    make_bank,
    make_campaign,
    record_sitting,
)


def _form(**changes) -> dict:
    now = timezone.localtime()
    return {
        "org": "",
        "title": "东城区学习二十大答题",
        "intro": "人人参与",
        "starts_at": now.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (now + timedelta(days=7)).strftime("%Y-%m-%dT%H:%M"),
        "time_limit_minutes": "10",
        "sittings_allowed": "2",
        "counting": "best",
        "pass_mark": "60",
        "high_score_mark": "90",
        "show_answers": "on",
        "offers_certificate": "on",
        "weight_participation_rate": "50",
        "weight_average_score": "30",
        "weight_high_score_share": "20",
        **changes,
    }


def test_a_campaign_is_created_in_the_console_as_a_draft(world, login):
    client = login("dongcheng_admin")
    response = client.post("/quizzes/campaigns/new/", _form(org=world.org("bj-dc").pk))
    campaign = QuizCampaign.objects.get()
    assert (
        response.status_code == 302 and response["Location"] == f"/quizzes/campaigns/{campaign.pk}/"
    )
    assert (campaign.status, campaign.time_limit_seconds, campaign.sittings_allowed) == (
        "draft",
        600,
        2,
    )
    assert campaign.ranking_weights == {
        "participation_rate": 0.5,
        "average_score": 0.3,
        "high_score_share": 0.2,
    }
    assert AuditEvent.objects.filter(action="quizzes.campaign_create").exists()


def test_a_window_that_ends_before_it_starts_is_refused_on_the_form(world, login):
    client = login("dongcheng_admin")
    now = timezone.localtime()
    bad = _form(
        org=world.org("bj-dc").pk, ends_at=(now - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    )
    response = client.post("/quizzes/campaigns/new/", bad)
    assert response.status_code == 200 and "结束时间早于开始时间" in response.content.decode()
    assert not QuizCampaign.objects.exists()


def test_quotas_the_banks_cannot_fill_are_refused(world):
    campaign = make_campaign(world, open_it=False)
    bank = campaign.quotas.get().bank
    scope = world.scope("dongcheng_admin")
    with pytest.raises(ApplicationError) as caught:
        campaign_set_quotas(scope=scope, campaign=campaign, quotas=[Quota(bank, "学习", 7)])
    assert "只有6道" in caught.value.fields["quotas"][0]
    with pytest.raises(ApplicationError) as caught:
        campaign_set_quotas(
            scope=scope, campaign=campaign, quotas=[Quota(bank, "学习", 4), Quota(bank, "", 4)]
        )
    assert "共需8道题" in caught.value.fields["quotas"][0]


def test_a_bank_of_another_union_cannot_feed_a_paper(world):
    campaign = make_campaign(world, open_it=False)
    foreign = make_bank(world, "bj-xc-xjk")
    with pytest.raises(ApplicationError):
        campaign_set_quotas(
            scope=world.scope("dongcheng_admin"), campaign=campaign, quotas=[Quota(foreign, "", 2)]
        )


def test_a_campaign_opens_only_with_quotas(world):
    campaign = make_campaign(world, open_it=False)
    campaign.quotas.all().delete()
    with pytest.raises(ApplicationError) as caught:
        campaign_set_status(scope=world.scope("dongcheng_admin"), campaign=campaign, status="open")
    assert "抽题规则" in caught.value.message


def test_the_quotas_are_set_in_the_console(world, login):
    campaign = make_campaign(world, open_it=False)
    bank = campaign.quotas.get().bank
    client = login("dongcheng_admin")
    data = {
        "quota-TOTAL_FORMS": "2",
        "quota-INITIAL_FORMS": "0",
        "quota-0-bank": bank.pk,
        "quota-0-tag": "学习",
        "quota-0-count": "5",
        "quota-1-bank": "",
    }
    client.post(f"/quizzes/campaigns/{campaign.pk}/quotas/", data)
    assert campaign.quotas.get().count == 5
    response = client.post(f"/quizzes/campaigns/{campaign.pk}/status/", {"status": "open"})
    campaign.refresh_from_db()
    assert response.status_code == 302 and campaign.status == "open"


def test_settings_that_decide_the_scores_are_fixed_once_someone_sat(world):
    campaign = make_campaign(world)
    [worker] = add_people(world, "bj-dc-lt", 1)
    record_sitting(campaign, worker, right=[True, True, False, True])
    scope = world.scope("dongcheng_admin")
    with pytest.raises(ApplicationError) as caught:
        campaign_update(scope=scope, campaign=campaign, groups=[], pass_mark=80)
    assert "pass_mark" in caught.value.fields
    campaign_update(scope=scope, campaign=campaign, groups=[], title="东城区答题（延长）")
    assert QuizCampaign.objects.get().title == "东城区答题（延长）"


def test_the_campaign_page_gives_a_link_and_qr_code_per_branch(world, login):
    campaign = make_campaign(world)
    client = login("dongcheng_admin")
    page = client.get(f"/quizzes/campaigns/{campaign.pk}/").content.decode()
    assert f"/h5/quiz/{campaign.token}/?branch=bj-dc-lt" in page
    assert page.count('class="qr"') >= 2  # the whole campaign and 龙潭
    deeper = client.get(f"/quizzes/campaigns/{campaign.pk}/?unit=bj-dc-lt-sy").content.decode()
    assert "?branch=bj-dc-lt-sy" in deeper
    svg = client.get(f"/quizzes/campaigns/{campaign.pk}/qr.svg?unit=bj-dc-lt")
    png = client.get(f"/quizzes/campaigns/{campaign.pk}/qr.png")
    assert svg["Content-Type"] == "image/svg+xml" and b"<svg" in svg.content
    assert png["Content-Type"] == "image/png" and png.content[:4] == b"\x89PNG"
    assert client.get(f"/quizzes/campaigns/{campaign.pk}/qr.png?unit=bj-xc-xjk").status_code == 404


def test_the_campaign_list_shows_participants_and_rate(world, login):
    campaign = make_campaign(world)
    workers = add_people(world, "bj-dc-lt", 4)
    record_sitting(campaign, workers[0], right=[True] * 4)
    page = login("dongcheng_admin").get("/quizzes/").content.decode()
    assert campaign.title in page and "25.0%" in page
