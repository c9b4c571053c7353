"""Scope rules of the quiz console and staff API: an organiser of one branch sees and acts on
nothing of a sibling branch or of the union above; the union above sees every branch."""

import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.quizzes.tests.console_fixtures import add_people, make_campaign, record_sitting


@pytest.fixture
def campaigns(world):
    parent = make_campaign(world, "bj-dc", title="东城区答题")
    sibling = make_campaign(world, "bj-xc-xjk", title="新街口答题")
    own = make_campaign(world, "bj-dc-lt", title="龙潭答题")
    for campaign, code in ((parent, "bj-dc-lt"), (own, "bj-dc-lt"), (sibling, "bj-xc-xjk")):
        [worker] = add_people(world, code, 1)
        record_sitting(campaign, worker, right=[True, False, True, True])
    return {"parent": parent, "sibling": sibling, "own": own}


def _pages(campaign) -> list[str]:
    base = f"/quizzes/campaigns/{campaign.pk}/"
    return [
        base,
        base + "edit/",
        base + "figures/",
        base + "participants/",
        base + "figures.xlsx",
        base + "ranking.xlsx",
        base + "participants.xlsx",
        base + "qr.svg",
        base + "qr.png",
    ]


@pytest.mark.parametrize("which", ["parent", "sibling"])
def test_a_branch_officer_sees_nothing_of_a_sibling_or_the_union_above(
    world, login, campaigns, which
):
    client = login("longtan_officer")
    campaign = campaigns[which]
    for url in _pages(campaign):
        assert client.get(url).status_code == 404, url
    for url in ("quotas/", "status/"):
        response = client.post(f"/quizzes/campaigns/{campaign.pk}/{url}", {"status": "closed"})
        assert response.status_code == 404, url
    campaign.refresh_from_db()
    assert campaign.status == "open"
    listing = client.get("/quizzes/").content.decode()
    assert campaign.title not in listing and campaigns["own"].title in listing
    bank = campaign.quotas.get().bank
    assert client.get(f"/quizzes/banks/{bank.pk}/").status_code == 404


@pytest.mark.parametrize("which", ["parent", "sibling"])
def test_the_staff_api_hides_a_sibling_or_the_union_above(world, campaigns, which):
    _row, token = token_create(user=world.users["longtan_officer"], name="t")
    client = Client(headers={"authorization": f"Bearer {token}"})
    campaign = campaigns[which]
    ids = [c["id"] for c in client.get("/api/v1/quizzes/campaigns").json()["results"]]
    assert ids == [campaigns["own"].pk]
    for tail in ("", "/figures", "/ranking"):
        assert client.get(f"/api/v1/quizzes/campaigns/{campaign.pk}{tail}").status_code == 404
    bank = campaign.quotas.get().bank
    response = client.post(f"/api/v1/quizzes/banks/{bank.pk}/imports", {})
    assert response.status_code in (404, 422)


def test_a_branch_officer_cannot_ask_for_a_unit_outside_the_campaign(world, login, campaigns):
    client = login("longtan_officer")
    own = campaigns["own"]
    assert client.get(f"/quizzes/campaigns/{own.pk}/figures/?unit=bj-xc-xjk").status_code == 404
    assert client.get(f"/quizzes/campaigns/{own.pk}/figures/?unit=bj-dc").status_code == 404


def test_the_union_above_sees_every_branch(world, login, campaigns):
    client = login("dongcheng_admin")
    parent = campaigns["parent"]
    page = client.get(f"/quizzes/campaigns/{parent.pk}/figures/").content.decode()
    assert "龙潭街道总工会" in page
    assert client.get(f"/quizzes/campaigns/{campaigns['own'].pk}/figures/").status_code == 200
    deeper = client.get(f"/quizzes/campaigns/{parent.pk}/figures/?unit=bj-dc-lt")
    assert deeper.status_code == 200 and "双玉社区" in deeper.content.decode()
    listing = client.get("/quizzes/").content.decode()
    assert "龙潭答题" in listing and "新街口答题" not in listing


def test_a_viewer_sees_but_cannot_change(world, login, campaigns):
    client = login("xicheng_viewer")
    sibling = campaigns["sibling"]
    assert client.get(f"/quizzes/campaigns/{sibling.pk}/figures/").status_code == 200
    assert client.get(f"/quizzes/campaigns/{sibling.pk}/edit/").status_code == 403
    response = client.post(f"/quizzes/campaigns/{sibling.pk}/status/", {"status": "closed"})
    assert response.status_code == 403
