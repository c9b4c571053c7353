"""The console as staff see it, at desktop and phone sizes: log in, switch the acting org,
open the tree and expand it lazily, change an org and find the change in the audit log."""

import re

from playwright.sync_api import Page, expect

from gonghui.core.testing import PASSWORD


def log_in(page: Page, username: str) -> None:
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.locator("header.topbar")).to_be_visible()


def open_module(page: Page, label: str) -> None:
    """Click a side-navigation entry; on a phone the navigation sits behind the menu button."""
    if page.size_name == "phone":
        page.locator("label.nav-button").click()
    page.locator("nav.sidenav").get_by_role("link", name=label).click()


def test_switch_acting_org_and_expand_the_tree(page: Page, world):
    # given: a staff member with roles at 龙潭 (officer) and 新街口 (viewer)
    log_in(page, "multi_role")
    switch = page.get_by_test_id("acting-switch")
    expect(switch.locator("option:checked")).to_contain_text("龙潭街道总工会")
    # when: they switch to 新街口
    xinjiekou = switch.locator("option", has_text="新街口街道总工会").get_attribute("value")
    switch.select_option(xinjiekou)
    # then: the top bar and the tree now speak for 新街口's subtree only
    expect(page.get_by_role("status")).to_contain_text("已切换")
    expect(page.get_by_test_id("acting-switch").locator("option:checked")).to_contain_text(
        "新街口街道总工会"
    )
    open_module(page, "工会组织")
    tree = page.get_by_test_id("org-tree")
    expect(tree).to_contain_text("新街口街道总工会")
    expect(tree).not_to_contain_text("龙潭")
    expect(tree).not_to_contain_text("新街口快递物流联合工会")  # children load on demand
    tree.locator(".tree-toggle").first.click()
    expect(tree).to_contain_text("新街口快递物流联合工会")


def test_a_change_in_the_console_shows_in_the_audit_log(page: Page, world):
    # given
    log_in(page, "dongcheng_admin")
    open_module(page, "工会组织")
    page.get_by_test_id("org-search").fill("ltjd")
    page.locator("#org-results").get_by_role("link", name="龙潭街道总工会").click()
    # when: the admin edits the org's short name
    page.get_by_role("link", name="编辑").click()
    page.fill("#id_short_name", "龙潭街道")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_be_visible()
    # then: the audit log shows who changed what
    open_module(page, "审计日志")
    rows = page.get_by_test_id("audit-table")
    expect(rows).to_contain_text("org.update")
    expect(rows.locator("tbody tr").first).to_contain_text("dongcheng_admin")
    expect(rows.locator("tbody tr").first).to_contain_text("龙潭街道")
    page.screenshot(path=f"test-results/audit-{page.size_name}.png", full_page=True)
