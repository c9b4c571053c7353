"""Taking part: identify, start or resume, save answers, submit once, the server's clock."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError, NotFoundError
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import ZHANG_PHONE, add_worker, add_zhang
from gonghui.quizzes.models import Participant, Sitting, SittingAnswer
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.factories import add_bank, add_campaign, person, right_answers

pytestmark = pytest.mark.django_db
OTHER_PHONE = "13900001111"


@pytest.fixture(autouse=True)
def _fresh_caches():
    forget_pools()
    svc.forget_campaigns()
    yield
    forget_pools()
    svc.forget_campaigns()


@pytest.fixture
def campaign(world):
    """东城区's quiz: 5 questions a sitting from a 14-question bank, one sitting."""
    org = world.org("bj-dc")
    return add_campaign(org, add_bank(org), quotas=((None, "", 5),))


@pytest.fixture
def zhang(world, campaign):
    """张三 of 龙潭 (inside 东城区), identified for the campaign."""
    worker = add_zhang(world)
    return svc.participant_identify(campaign=campaign, person=person(ZHANG_PHONE, worker))


def _expire(sitting, seconds_ago: int = 60):
    past = timezone.now() - timedelta(seconds=seconds_ago)
    Sitting.objects.filter(pk=sitting.pk).update(deadline_at=past)


# Identify


def test_a_worker_of_the_subtree_is_matched_to_the_register_by_phone(world, campaign, zhang):
    assert zhang.worker.name == "张三" and zhang.org.code == "bj-dc-lt"
    assert (
        zhang.phone_masked == "138****5678" and zhang.phone_index == person(ZHANG_PHONE).phone_index
    )
    assert AuditEvent.objects.filter(action="quizzes.participant_join").count() == 1
    # identifying again gives the same participant
    again = svc.participant_identify(campaign=campaign, person=person(ZHANG_PHONE))
    assert again.pk == zhang.pk and Participant.objects.count() == 1


def test_a_worker_of_another_subtree_is_not_eligible(world, campaign):
    add_worker(world, "bj-xc-xjk", "李四", phone=OTHER_PHONE)
    with pytest.raises(ForbiddenError) as caught:
        svc.participant_identify(campaign=campaign, person=person(OTHER_PHONE))
    assert caught.value.code == svc.ErrorCode.NOT_REGISTERED


def test_a_campaign_narrowed_to_groups_refuses_workers_outside_them(world, campaign):
    from gonghui.members.models import WorkerGroup

    campaign.groups.set([WorkerGroup.objects.get(code="frontline")])
    svc.forget_campaigns()
    add_zhang(world)  # an outdoor worker, not frontline
    with pytest.raises(ForbiddenError):
        svc.participant_identify(campaign=campaign, person=person(ZHANG_PHONE))


def test_an_unregistered_person_is_refused_unless_the_campaign_allows_them(world, campaign):
    with pytest.raises(ForbiddenError):
        svc.participant_identify(campaign=campaign, person=person(OTHER_PHONE), name="王五",
                                 org=world.org("bj-dc-lt"))  # fmt: skip


def test_an_unregistered_person_gives_name_and_a_unit_of_the_subtree(world, campaign):
    campaign.allow_unregistered = True
    campaign.save()
    svc.forget_campaigns()
    # without details: asked for them
    with pytest.raises(ApplicationError) as caught:
        svc.participant_identify(campaign=campaign, person=person(OTHER_PHONE))
    assert caught.value.code == svc.ErrorCode.DETAILS_NEEDED
    assert set(caught.value.fields) == {"name", "org"}
    # a unit outside the subtree is not a choice
    with pytest.raises(ApplicationError):
        svc.participant_identify(campaign=campaign, person=person(OTHER_PHONE), name="王五",
                                 org=world.org("bj-xc-xjk"))  # fmt: skip
    # with them: a participant without a worker, counted under the unit chosen
    joined = svc.participant_identify(campaign=campaign, person=person(OTHER_PHONE),
                                      name=" 王五 ", org=world.org("bj-dc-lt-sy"))  # fmt: skip
    assert (joined.worker, joined.name, joined.org.code) == (None, "王五", "bj-dc-lt-sy")


# Start


def test_start_draws_a_paper_and_sets_the_deadline_from_the_server_clock(campaign, zhang):
    before = timezone.now()
    sitting = svc.sitting_start(participant=zhang)
    assert sitting.number == 1 and len(sitting.paper) == 5
    assert (
        before + timedelta(seconds=600)
        <= sitting.deadline_at
        <= timezone.now() + timedelta(seconds=600)
    )
    zhang.refresh_from_db()
    assert zhang.sittings_count == 1


def test_an_open_sitting_is_resumed_not_started_again(campaign, zhang):
    first = svc.sitting_start(participant=zhang)
    svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=first.pk,
                            question_id=first.paper[0]["q"], answer="A")  # fmt: skip
    again = svc.sitting_start(participant=zhang)
    assert again.pk == first.pk and again.answers == Sitting.objects.get(pk=first.pk).answers
    assert Sitting.objects.count() == 1


def test_no_sitting_beyond_those_allowed(campaign, zhang):
    first = svc.sitting_start(participant=zhang)
    svc.sitting_submit(sitting_id=first.pk, person=person(ZHANG_PHONE))
    with pytest.raises(ConflictError) as caught:
        svc.sitting_start(participant=zhang)
    assert caught.value.code == svc.ErrorCode.NO_SITTINGS_LEFT


def test_the_unique_number_refuses_a_second_sitting_1_written_behind_the_services_back(
    campaign, zhang
):
    from django.db import IntegrityError, transaction

    first = svc.sitting_start(participant=zhang)
    with pytest.raises(IntegrityError), transaction.atomic():
        Sitting.objects.create(campaign=campaign, participant=zhang, org=zhang.org, number=1,
                               deadline_at=first.deadline_at)  # fmt: skip


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"starts_at_delta": timedelta(hours=2)}, "opens"),
        ({"ends_at_delta": -timedelta(days=8)}, "ended"),
        ({"status": "closed"}, "ended"),
        ({"status": "draft"}, "opens"),
    ],
)
def test_start_is_refused_outside_the_window(campaign, zhang, change, message):
    if "starts_at_delta" in change:
        campaign.starts_at = timezone.now() + change["starts_at_delta"]
        campaign.ends_at = campaign.starts_at + timedelta(days=1)
    if "ends_at_delta" in change:
        campaign.starts_at = timezone.now() - timedelta(days=9)
        campaign.ends_at = timezone.now() + change["ends_at_delta"]
    if "status" in change:
        campaign.status = change["status"]
    campaign.save()
    svc.forget_campaigns()
    with pytest.raises(ApplicationError) as caught:
        svc.sitting_start(participant=zhang)
    assert caught.value.code == svc.ErrorCode.NOT_OPEN
    assert Sitting.objects.count() == 0


def test_several_sittings_best_or_last_counts(world):
    org = world.org("bj-dc")
    for counting, expected in (("best", 100), ("last", 0)):
        Participant.objects.all().delete()
        campaign = add_campaign(org, add_bank(org, name=counting), sittings_allowed=2,
                                counting=counting)  # fmt: skip
        worker = add_zhang(world) if counting == "best" else None
        joined = svc.participant_identify(campaign=campaign, person=person(ZHANG_PHONE, worker))
        first = svc.sitting_start(participant=joined)
        svc.sitting_submit(
            sitting_id=first.pk, person=person(ZHANG_PHONE), answers=right_answers(first)
        )
        second = svc.sitting_start(participant=joined)
        assert second.number == 2
        svc.sitting_submit(sitting_id=second.pk, person=person(ZHANG_PHONE))
        joined.refresh_from_db()
        assert (joined.submitted_count, joined.best_score) == (2, 100)
        assert joined.counted_score == expected and joined.passed is (expected >= 60)


# Answers and the server's clock


def test_answers_are_saved_in_the_questions_own_letters(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    item = sitting.paper[0]
    shown = "ABCD"[item["p"].index(1)]  # where the original "B" is shown on this paper
    svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                            question_id=item["q"], answer=shown)  # fmt: skip
    assert Sitting.objects.get(pk=sitting.pk).answers == {str(item["q"]): "B"}
    assert svc.shown_letters(item, "B") == shown
    # cleared with ""
    svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                            question_id=item["q"], answer="")  # fmt: skip
    assert Sitting.objects.get(pk=sitting.pk).answers == {}


def test_bad_answers_are_refused(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    single = next(i for i in sitting.paper if i["k"] != "multiple")  # one answer only
    for question_id, answer in ((single["q"], "AB"), (single["q"], "F"), (999999, "A")):
        with pytest.raises(ApplicationError):
            svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                                    question_id=question_id, answer=answer)  # fmt: skip


def test_someone_elses_sitting_is_not_found(world, campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    with pytest.raises(NotFoundError):
        svc.sitting_answer_save(person=person(OTHER_PHONE), sitting_id=sitting.pk,
                                question_id=sitting.paper[0]["q"], answer="A")  # fmt: skip
    with pytest.raises(NotFoundError):
        svc.sitting_submit(sitting_id=sitting.pk, person=person(OTHER_PHONE))


def test_an_answer_after_the_deadline_is_refused_and_the_sitting_closed(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                            question_id=sitting.paper[0]["q"],
                            answer=right_answers(sitting)[str(sitting.paper[0]["q"])])  # fmt: skip
    _expire(sitting)
    with pytest.raises(ConflictError) as caught:
        svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                                question_id=sitting.paper[1]["q"], answer="A")  # fmt: skip
    assert caught.value.code == svc.ErrorCode.TIME_UP
    closed = Sitting.objects.get(pk=sitting.pk)
    assert closed.closed_on_expiry and closed.submitted_at == closed.deadline_at
    assert closed.score == 20  # the one answer saved in time: 1 of 5


def test_an_answer_within_the_grace_seconds_still_counts(campaign, zhang, settings):
    settings.QUIZ_GRACE_SECONDS = 5
    sitting = svc.sitting_start(participant=zhang)
    _expire(sitting, seconds_ago=2)
    svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                            question_id=sitting.paper[0]["q"], answer="A")  # fmt: skip


def test_a_late_submission_scores_only_what_was_saved_in_time(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    _expire(sitting)
    done = svc.sitting_submit(sitting_id=sitting.pk, person=person(ZHANG_PHONE),
                              answers=right_answers(sitting))  # fmt: skip
    assert done.score == 0 and done.closed_on_expiry


def test_submit_scores_records_each_question_and_counts_the_participant(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    answers = right_answers(sitting)
    wrong = sitting.paper[-1]
    answers[str(wrong["q"])] = "B" if answers[str(wrong["q"])] != "B" else "A"
    done = svc.sitting_submit(sitting_id=sitting.pk, person=person(ZHANG_PHONE), answers=answers)
    assert (done.score, done.correct_count, done.passed) == (80, 4, True)
    rows = SittingAnswer.objects.filter(sitting=sitting)
    assert rows.count() == 5 and rows.filter(is_correct=False).get().question_id == wrong["q"]
    zhang.refresh_from_db()
    assert (zhang.submitted_count, zhang.counted_score, zhang.passed) == (1, 80, True)
    assert AuditEvent.objects.filter(action="quizzes.sitting_submit").count() == 1


def test_a_resent_submission_returns_the_first_result(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    first = svc.sitting_submit(sitting_id=sitting.pk, person=person(ZHANG_PHONE),
                               answers=right_answers(sitting))  # fmt: skip
    again = svc.sitting_submit(sitting_id=sitting.pk, person=person(ZHANG_PHONE), answers={})
    assert (
        (again.score, again.submitted_at)
        == (first.score, first.submitted_at)
        == (100, first.submitted_at)
    )
    assert SittingAnswer.objects.count() == 5
    zhang.refresh_from_db()
    assert zhang.submitted_count == 1
    with pytest.raises(ConflictError):
        svc.sitting_answer_save(person=person(ZHANG_PHONE), sitting_id=sitting.pk,
                                question_id=sitting.paper[0]["q"], answer="A")  # fmt: skip


def test_an_expired_sitting_is_closed_when_the_participant_comes_back(campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    _expire(sitting)
    with pytest.raises(ConflictError):  # one sitting allowed, and it is over
        svc.sitting_start(participant=zhang)
    assert Sitting.objects.get(pk=sitting.pk).closed_on_expiry


def test_the_command_closes_every_expired_sitting(world, campaign, zhang):
    sitting = svc.sitting_start(participant=zhang)
    _expire(sitting)
    call_command("finish_quiz_sittings", stdout=open("/dev/null", "w"))
    closed = Sitting.objects.get(pk=sitting.pk)
    assert closed.submitted_at is not None and closed.score == 0
    zhang.refresh_from_db()
    assert zhang.submitted_count == 1
