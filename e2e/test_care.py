"""Handing out at a site on a phone: a kit to a registered rider, a refusal naming the
earlier hand-out, and someone not in any register registered on the spot."""

import pytest
from playwright.sync_api import Page, expect

from gonghui.care.models import Distribution
from gonghui.care.tests.factories import make_care
from gonghui.core.testing import PASSWORD
from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang


def log_in(page: Page, username: str) -> None:
    page.goto("/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header.topbar")).to_be_visible()


def test_hand_out_meet_a_refusal_and_register_on_the_spot(page: Page, world):
    if page.size_name != "phone":
        pytest.skip("the hand-out page is used on a phone")
    # given: an open campaign at two sites, and 张三 in the register
    care = make_care(world, sites=2, kits=5)
    add_zhang(world)
    log_in(page, "longtan_officer")
    page.goto(f"/care/campaigns/{care.campaign.pk}/")
    page.get_by_test_id("open-scan").first.click()
    # when: his phone number is typed
    page.get_by_placeholder("二维码、身份证号或手机号").fill(ZHANG_PHONE)
    page.get_by_role("button", name="发放", exact=True).click()
    # then
    expect(page.get_by_test_id("scan-ok")).to_contain_text("张三")
    expect(page.get_by_test_id("scan-panel")).to_contain_text("本点剩余 4 份")
    # when: he comes to the second site
    page.goto(f"/care/campaigns/{care.campaign.pk}/sites/{care.campaign_sites[1].pk}/")
    page.get_by_placeholder("二维码、身份证号或手机号").fill(ZHANG_PHONE)
    page.get_by_role("button", name="发放", exact=True).click()
    # then: refused, with when and where
    refused = page.get_by_test_id("scan-refused")
    expect(refused).to_contain_text("已于")
    expect(refused).to_contain_text("发放点1")
    # when: a courier not in any register is typed, and registered on the spot
    page.get_by_placeholder("二维码、身份证号或手机号").fill("13511112222")
    page.get_by_role("button", name="发放", exact=True).click()
    form = page.get_by_test_id("register-form")
    expect(form).to_be_visible()
    form.get_by_label("姓名").fill("赵快递")
    form.get_by_label("工作单位").fill("顺丰速运")
    form.get_by_label("用工形式").select_option("courier")
    page.screenshot(path="test-results/care-register-phone.png", full_page=True)
    form.get_by_role("button", name="登记并发放").click()
    # then
    expect(page.get_by_test_id("scan-ok")).to_contain_text("赵快递")
    expect(page.get_by_test_id("scan-recent")).to_contain_text("赵快递")
    page.screenshot(path="test-results/care-scan-phone.png", full_page=True)
    assert Distribution.objects.count() == 2
