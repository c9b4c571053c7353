"""An online quiz on a phone: a worker opens the poster's link, signs in with a texted code,
starts, answers (each choice saved as it is made, so a reload keeps them), hands in and
reads the result page with the answers explained (and the certificate link, when offered)."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.core.sms import MemorySender
from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang
from gonghui.quizzes.models import Sitting
from gonghui.quizzes.services import sittings as svc
from gonghui.quizzes.services.drawing import forget_pools
from gonghui.quizzes.tests.factories import add_bank, add_campaign, right_answers


def sign_in_worker(page: Page, phone: str) -> None:
    """The existing H5 sign-in: the phone, then the code read from the test SMS outbox."""
    page.fill("#id_phone", phone)
    page.get_by_test_id("send-code").click()
    expect(page.locator("#id_code")).to_be_visible()
    page.fill("#id_code", re.search(r"\d{6}", MemorySender.outbox[-1].text).group())
    page.get_by_test_id("verify").click()


@pytest.fixture
def campaign(world):
    forget_pools()
    svc.forget_campaigns()
    org = world.org("bj-dc")
    return add_campaign(org, add_bank(org), quotas=((None, "", 5),), offers_certificate=True)


def test_from_the_campaign_link_to_the_result_on_a_phone(page: Page, live_server, world, campaign):
    if page.size_name != "phone":
        pytest.skip("taking part is a phone flow")
    add_zhang(world)
    # given: the link of a poster, shared by 龙潭
    page.goto(f"/h5/quiz/{campaign.token}/?branch=bj-dc-lt")
    expect(page.get_by_test_id("quiz-landing")).to_contain_text(campaign.title)
    expect(page.get_by_test_id("quiz-branch")).to_contain_text("龙潭街道总工会")
    page.get_by_test_id("quiz-enter").click()
    # when: 张三 signs in with the texted code and starts
    sign_in_worker(page, ZHANG_PHONE)
    expect(page.get_by_test_id("quiz-enter-card")).to_contain_text("张三")
    page.get_by_test_id("quiz-start").click()
    expect(page.get_by_test_id("quiz-question")).to_have_count(5)
    expect(page.get_by_test_id("quiz-clock")).to_contain_text(re.compile(r"(9|10):\d\d"))
    sitting = Sitting.objects.get()
    answers = right_answers(sitting)
    # then: each choice is saved as it is made; a reload (an interrupted sitting) keeps them
    for item in sitting.paper:
        question = page.locator(f"fieldset[data-question='{item['q']}']")
        for letter in answers[str(item["q"])]:
            with page.expect_response(re.compile(r"/answer/$")):
                question.locator(f"input[value='{letter}']").check()
    page.screenshot(path="test-results/quiz-sitting-phone.png", full_page=True)
    assert len(Sitting.objects.get().answers) == 5
    page.reload()
    expect(page.locator("fieldset[data-question] input:checked")).to_have_count(
        sum(len(v) for v in answers.values())
    )
    # when: he hands in
    page.get_by_test_id("quiz-submit").click()
    # then: the result, the answers explained, and the certificate when the organiser offers one
    expect(page.get_by_test_id("quiz-score")).to_have_text("100")
    expect(page.get_by_test_id("quiz-passed")).to_contain_text("及格")
    expect(page.get_by_test_id("quiz-review")).to_have_count(5)
    expect(page.get_by_test_id("quiz-review").first).to_contain_text("解析")
    certificate = page.get_by_test_id("quiz-certificate")
    if certificate.count():
        expect(certificate).to_have_attribute("href", re.compile(r"/h5/quiz/"))
    page.screenshot(path="test-results/quiz-result-phone.png", full_page=True)
