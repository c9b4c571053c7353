"""Joining the union online, on a phone: a rider signs in with a texted code, applies, and
reads that the application is pending with 新街口街道总工会 and by which day it will be
decided; an officer of 新街口 accepts it in the console; the rider then sees the member
e-card with the membership number and the personal QR code."""

import re

import pytest
from playwright.sync_api import Page, expect

from gonghui.core.sms import MemorySender
from gonghui.core.testing import PASSWORD
from gonghui.members.models import MembershipApplication
from gonghui.members.tests.factories import WANG_ID, WANG_PHONE

DESKTOP = {"width": 1440, "height": 900}


def sign_in_worker(page: Page, phone: str) -> None:
    page.fill("#id_phone", phone)
    page.get_by_test_id("send-code").click()
    expect(page.locator("#id_code")).to_be_visible()
    code = re.search(r"\d{6}", MemorySender.outbox[-1].text).group()
    page.fill("#id_code", code)
    page.get_by_test_id("verify").click()


def officer_accepts(browser, base_url: str, name: str) -> None:
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=base_url)
    console = context.new_page()
    console.goto("/")
    console.fill("#id_username", "xinjiekou_officer")
    console.fill("#id_password", PASSWORD)
    console.get_by_role("button", name="登录").click()
    console.locator("nav.sidenav").get_by_role("link", name="入会申请").click()
    console.get_by_test_id("application-table").get_by_role("link", name=name).click()
    console.get_by_test_id("accept").click()
    console.get_by_test_id("confirm").click()
    expect(console.locator(".msg-success")).to_contain_text("已成为工会会员")
    context.close()


def test_apply_on_a_phone_follow_it_and_get_the_member_card(
    page: Page, browser, live_server, world
):
    if page.size_name != "phone":
        pytest.skip("the applicant's side is a phone flow")
    # given: a rider opens the join page and signs in with the texted code
    page.goto("/h5/")
    page.get_by_role("link", name="网上入会").click()
    sign_in_worker(page, WANG_PHONE)
    # when: they fill in the application
    page.fill("#id_name", "王小明")
    page.fill("#id_id_number", WANG_ID)
    page.select_option("#id_employment_form", "rider")
    page.fill("#id_employer_name", "美团")
    page.select_option("#id_industry", "food_delivery")
    # the streets of the district come through htmx: wait until its script has loaded (on a
    # busy machine a choice made before that would not ask for them)
    page.wait_for_function("() => window.htmx !== undefined")
    page.select_option("#id_district", label="西城区")
    expect(page.locator("#id_work_place option", has_text="新街口街道")).to_have_count(1)
    page.select_option("#id_work_place", label="新街口街道")
    expect(page.get_by_test_id("consent-text")).to_contain_text("加密保存")
    page.locator("#id_consent").check()
    page.get_by_test_id("join-submit").click()
    # then: pending with 新街口街道总工会, to be decided by a day counted in working days
    due = MembershipApplication.objects.get().due_on
    where = page.get_by_test_id("application-where")
    expect(where).to_have_text(f"正由新街口街道总工会办理，将于{due:%Y-%m-%d}前办结。")
    page.screenshot(path="test-results/join-pending-phone.png", full_page=True)
    # when: an officer of 新街口 accepts it in the console
    officer_accepts(browser, live_server.url, "王小明")
    # then: the rider sees it accepted, and the member e-card with number and QR code
    page.reload()
    expect(page.get_by_test_id("application")).to_contain_text("BJ-XC-XJK-000001")
    page.get_by_test_id("see-card").click()
    card = page.get_by_test_id("member-card")
    expect(card).to_contain_text("新街口街道总工会")
    expect(page.get_by_test_id("membership-number")).to_have_text("BJ-XC-XJK-000001")
    expect(page.locator("[data-testid=my-qr] svg")).to_be_visible()
    page.screenshot(path="test-results/member-card-phone.png", full_page=True)
