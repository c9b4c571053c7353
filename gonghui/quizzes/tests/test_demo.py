"""The demo's quiz campaign: its sittings spread over the bus group's branch unions, every
figure computed from them, loaded once (at 1% of its size in tests)."""

from io import StringIO

from django.core.management import call_command

from gonghui.quizzes.figures import campaign_figures
from gonghui.quizzes.models import Participant, Question, QuizCampaign, Sitting, SittingAnswer


def test_the_bus_groups_campaign_is_loaded_with_its_sittings_once(db, settings):
    # given / when
    call_command("load_demo", grassroots=0, stdout=StringIO())
    # then
    campaign = QuizCampaign.objects.get(title="学习二十大 奋进新公交")
    assert (campaign.org.code, campaign.status, campaign.offers_certificate) == (
        "bj-bus",
        "open",
        True,
    )
    assert Question.objects.filter(bank__org=campaign.org).count() == 61
    sittings = Sitting.objects.filter(campaign=campaign, submitted_at__isnull=False)
    assert sittings.count() == settings.QUIZ_DEMO_SITTINGS == Participant.objects.count()
    assert SittingAnswer.objects.filter(campaign=campaign).count() == 20 * sittings.count()
    assert not sittings.filter(submitted_at__lt=campaign.starts_at).exists()
    figures = campaign_figures(campaign)
    assert figures.total.eligible > figures.total.participants == settings.QUIZ_DEMO_SITTINGS
    rates = [line.rate for line in figures.by_unit if not line.is_self]
    assert len(rates) == 12 and max(rates) > 0.95 and min(rates) < 0.8
    assert sum(n for _label, n in figures.buckets) == figures.total.participants
    assert figures.ranking[0].rank == 1 and len(figures.over_time) >= 6
    # and a second load adds nothing
    call_command("load_demo", grassroots=0, stdout=StringIO())
    assert Sitting.objects.count() == sittings.count()
