"""Live figures of a campaign: roll-up by union, distribution, error rates, time, ranking,
exports and the dashboard card."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.quizzes.figures import campaign_figures
from gonghui.quizzes.ranking import UnitMeasures, rank_units
from gonghui.quizzes.tests.console_fixtures import add_people, make_campaign, record_sitting


@pytest.fixture
def campaign(world):
    """东城区's campaign: 龙潭 has 4 workers (one in 双玉社区), 3 sat; 东城区 itself 2, 1 sat."""
    campaign = make_campaign(world, high_score_mark=75)
    longtan = add_people(world, "bj-dc-lt", 3) + add_people(world, "bj-dc-lt-sy", 1)
    own = add_people(world, "bj-dc", 2, user="dongcheng_admin")
    # more than a day before the others (an hour ago), so on another local day at any hour
    earlier = timezone.now() - timedelta(hours=36)
    record_sitting(campaign, longtan[0], right=[True, True, True, True])
    record_sitting(campaign, longtan[1], right=[True, True, False, False], at=earlier)
    record_sitting(campaign, longtan[3], right=[True, False, False, False])
    record_sitting(campaign, own[0], right=[True, True, True, False])
    return campaign


def _line(figures, name):
    return next(line for line in figures.by_unit if line.org.name == name)


def test_participation_rolls_up_each_subtree(campaign):
    figures = campaign_figures(campaign)
    longtan = _line(figures, "龙潭街道总工会")
    assert (longtan.eligible, longtan.participants, longtan.rate_percent) == (4, 3, 75.0)
    assert longtan.average == pytest.approx((100 + 50 + 25) / 3)
    itself = figures.by_unit[0]
    assert itself.is_self and (itself.eligible, itself.participants) == (2, 1)
    assert (figures.total.eligible, figures.total.participants, figures.sittings) == (6, 4, 4)
    assert (figures.total.passed, figures.total.high) == (2, 2)


def test_a_unit_shows_the_unions_under_it(world, campaign):
    figures = campaign_figures(campaign, unit=world.org("bj-dc-lt"))
    assert figures.total.participants == 3
    assert [(line.org.code, line.participants) for line in figures.by_unit] == [
        ("bj-dc-lt", 2),
        ("bj-dc-lt-sy", 1),
    ]


def test_scores_fall_into_buckets_of_ten(campaign):
    buckets = dict(campaign_figures(campaign).buckets)
    assert (buckets["20–29"], buckets["50–59"], buckets["70–79"], buckets["90–100"]) == (1, 1, 1, 1)
    assert sum(buckets.values()) == 4


def test_error_rates_put_the_hardest_question_first(campaign):
    questions = campaign_figures(campaign).questions
    rates = [(q.answered, q.wrong) for q in questions]
    assert rates[0] == (4, 3) and questions[0].error_rate == 75.0
    assert rates[-1] == (4, 0)


def test_sittings_over_time_by_day_and_by_hour(campaign):
    by_day = campaign_figures(campaign, per_hour=False)
    assert [n for _at, n in by_day.over_time] == [1, 3]
    by_hour = campaign_figures(campaign, per_hour=True)
    assert sum(n for _at, n in by_hour.over_time) == 4
    local = timezone.localtime(timezone.now() - timedelta(hours=1))
    last = timezone.localtime(by_hour.over_time[-1][0])
    assert (last.date(), last.hour) == (local.date(), local.hour)


def test_the_figures_take_the_same_few_queries_however_many_sat(world, campaign):
    with CaptureQueriesContext(connection) as before:
        campaign_figures(campaign)
    for worker in add_people(world, "bj-dc-lt", 3):
        record_sitting(campaign, worker, right=[True, False, True, True])
    with CaptureQueriesContext(connection) as after:
        campaign_figures(campaign)
    assert len(after) == len(before) <= 10


def _unit(code, eligible, participants, score_sum, high):
    return UnitMeasures(0, code, code, eligible, participants, score_sum, high)


def test_ranking_weighs_the_three_measures():
    units = [
        _unit("a", 100, 100, 6000, 0),  # everyone, low scores
        _unit("b", 100, 50, 4500, 40),  # half, high scores
    ]
    only_rate = rank_units(units, {"participation_rate": 1})
    assert [r.unit.code for r in only_rate] == ["a", "b"]
    only_score = rank_units(units, {"average_score": 1, "high_score_share": 1})
    assert [r.unit.code for r in only_score] == ["b", "a"]
    mixed = rank_units(
        units, {"participation_rate": 0.5, "average_score": 0.3, "high_score_share": 0.2}
    )
    assert mixed[0].index == pytest.approx(0.5 * 1 + 0.3 * 0.6 + 0.2 * 0)


def test_ties_go_to_participation_then_average_then_code():
    # given three units with the same index on average score alone
    units = [
        _unit("c", 10, 5, 400, 0),
        _unit("b", 10, 8, 640, 0),
        _unit("a", 10, 8, 640, 0),
    ]
    ranked = rank_units(units, {"average_score": 1})
    assert [r.unit.code for r in ranked] == ["a", "b", "c"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    # a rate above 1 (unregistered people through the unit's link) counts as 1
    assert rank_units([_unit("x", 10, 12, 0, 0)], None)[0].parts["participation_rate"] == 1.0


def test_the_figures_page_shows_the_rule_and_refreshes(campaign, login):
    client = login("dongcheng_admin")
    page = client.get(f"/quizzes/campaigns/{campaign.pk}/figures/").content.decode()
    assert "龙潭街道" in page and 'hx-trigger="every 30s"' in page
    assert "参与率高者在前" in page and "75.0%" in page
    panel = client.get(f"/quizzes/campaigns/{campaign.pk}/figures/", headers={"HX-Request": "true"})
    assert (
        "<html" not in panel.content.decode()
        and 'data-testid="fig-units"' in panel.content.decode()
    )


def _sheet_text(response) -> str:
    raw = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        return b"".join(archive.read(name) for name in archive.namelist()).decode()


@pytest.mark.parametrize("sheet", ["figures", "ranking", "participants", "questions"])
def test_each_export_is_audited(campaign, login, sheet):
    response = login("dongcheng_admin").get(f"/quizzes/campaigns/{campaign.pk}/{sheet}.xlsx")
    marker = "工会经费" if sheet == "questions" else "龙潭街道"
    assert response.status_code == 200 and marker in _sheet_text(response)
    event = AuditEvent.objects.get(action="quizzes.export")
    assert event.changes["sheet"] == sheet


def test_phones_leave_masked_unless_the_user_may_reveal(world, campaign, login):
    # an officer of 龙潭 exports the participants of a campaign of its own
    own = make_campaign(world, "bj-dc-lt", title="龙潭答题")
    [worker] = add_people(world, "bj-dc-lt", 1)
    record_sitting(own, worker, right=[True] * 4)
    masked = _sheet_text(
        login("longtan_officer").get(f"/quizzes/campaigns/{own.pk}/participants.xlsx")
    )
    assert worker.phone_masked in masked
    revealed = _sheet_text(
        login("longtan_admin").get(f"/quizzes/campaigns/{own.pk}/participants.xlsx")
    )
    assert worker.phone_masked not in revealed and "1990" in revealed
    events = AuditEvent.objects.filter(action="quizzes.export").order_by("pk")
    assert [e.changes["revealed"] for e in events] == [False, True]


def test_the_dashboard_shows_the_campaigns_participants(campaign, login):
    page = login("dongcheng_admin").get("/").content.decode()
    assert "在线答题" in page and campaign.title in page
