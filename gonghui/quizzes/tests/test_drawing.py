"""Drawing papers by tag quotas (no question twice) and shuffling options per sitting."""

import pytest

from gonghui.core.errors import ApplicationError
from gonghui.quizzes.models import Question, TagQuota
from gonghui.quizzes.services.drawing import draw_paper, forget_pools, quota_check, quota_problems
from gonghui.quizzes.tests.factories import add_bank, add_campaign, seeded

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_pools():
    forget_pools()
    yield
    forget_pools()


def test_a_paper_draws_each_quota_from_its_tag_without_duplicates(world):
    # given a bank tagged 党史 and one tagged 安全
    org = world.org("bj-dc-lt")
    history = add_bank(org, "党史", single=5, multiple=3, true_false=2, tags=("党史",))
    safety = add_bank(org, "安全", single=4, multiple=0, true_false=4, tags=("安全",))
    campaign = add_campaign(org, history, quotas=((history, "党史", 6), (safety, "安全", 4)))
    # when
    papers = [draw_paper(campaign, seeded(i)) for i in range(30)]
    # then
    tags = dict(Question.objects.values_list("pk", "tags"))
    for paper in papers:
        ids = [item["q"] for item in paper]
        assert len(ids) == len(set(ids)) == 10
        assert sum(tags[q] == ["党史"] for q in ids) == 6
        assert sum(tags[q] == ["安全"] for q in ids) == 4
    assert len({tuple(item["q"] for item in p) for p in papers}) > 1, "always the same paper"


def test_overlapping_quotas_never_draw_a_question_twice(world):
    # given a quota for 党史 and one for "any tag" over the same bank of 6 questions
    org = world.org("bj-dc-lt")
    bank = add_bank(org, single=6, multiple=0, true_false=0)
    campaign = add_campaign(org, bank, quotas=((bank, "党史", 3), (bank, "", 3)))
    # when / then: all 6 are used every time, none twice
    for i in range(20):
        ids = [item["q"] for item in draw_paper(campaign, seeded(i))]
        assert sorted(ids) == sorted(Question.objects.values_list("pk", flat=True))


def test_options_are_shuffled_per_sitting_and_the_permutation_is_kept(world):
    org = world.org("bj-dc-lt")
    bank = add_bank(org, single=5, multiple=5, true_false=2)
    campaign = add_campaign(org, bank, quotas=((bank, "", 12),))
    papers = [draw_paper(campaign, seeded(i)) for i in range(10)]
    for paper in papers:
        for item in paper:
            assert sorted(item["p"]) == list(range(len(item["p"])))
            if item["k"] == "true_false":
                assert item["p"] == [0, 1], "正确 stays before 错误"
        kinds = [item["k"] for item in paper]
        assert kinds == sorted(kinds, key=["single", "multiple", "true_false"].index)
    orders = {tuple(item["p"]) for paper in papers for item in paper if item["k"] != "true_false"}
    assert len(orders) > 3, "options are not shuffled"


def test_inactive_questions_are_never_drawn(world):
    org = world.org("bj-dc-lt")
    bank = add_bank(org, single=4, multiple=0, true_false=0)
    retired = Question.objects.first()
    Question.objects.filter(pk=retired.pk).update(is_active=False)
    campaign = add_campaign(org, bank, quotas=((bank, "", 3),))
    for i in range(10):
        assert retired.pk not in [item["q"] for item in draw_paper(campaign, seeded(i))]


def test_a_quota_the_bank_cannot_fill_is_refused_with_the_reason(world):
    org = world.org("bj-dc-lt")
    bank = add_bank(org, single=2, multiple=0, true_false=0)
    campaign = add_campaign(org, bank, quotas=((bank, "党史", 3),))
    problems = quota_problems(campaign)
    assert len(problems) == 1 and "3" in problems[0] and "2" in problems[0]
    with pytest.raises(ApplicationError) as caught:
        quota_check(campaign)
    assert caught.value.code == "quota_unmet"


def test_overlapping_quotas_that_each_fit_but_not_together_are_refused(world):
    # 4 questions: quota 党史 × 3 and any tag × 3 each fit alone, but need 6 different ones
    org = world.org("bj-dc-lt")
    bank = add_bank(org, single=4, multiple=0, true_false=0)
    campaign = add_campaign(org, bank, quotas=((bank, "党史", 3), (bank, "", 3)))
    assert len(quota_problems(campaign)) == 1
    TagQuota.objects.filter(campaign=campaign, tag="").update(count=1)
    assert quota_problems(campaign) == []


def test_a_campaign_without_quotas_cannot_open(world):
    org = world.org("bj-dc-lt")
    campaign = add_campaign(org, None, quotas=())
    assert quota_problems(campaign)
