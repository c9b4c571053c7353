import pytest

from gonghui.care import services
from gonghui.care.models import RuleTotal
from gonghui.care.tests.factories import hand_out, make_care, today
from gonghui.members.tests.factories import add_zhang

REGULATION = "《基层工会经费收支管理办法》（总工办发〔2017〕32号）"


def test_a_campaign_handing_out_shopping_cards_is_refused_with_the_rule_named(world):
    city = world.scope("city_admin")
    services.rule_create(
        scope=city,
        org=world.org("bj"),
        name="不得发放现金和购物卡",
        kind="forbidden",
        regulation=REGULATION,
        categories=["cash", "shopping_card"],
    )
    scope, org = world.scope("longtan_officer"), world.org("bj-dc-lt")
    card = services.item_create(
        scope=scope,
        org=org,
        name="超市购物卡",
        unit="张",
        category="shopping_card",
        unit_value_fen=20000,
    )
    with pytest.raises(services.RuleBroken) as refused:
        services.campaign_create(
            scope=scope,
            org=org,
            name="春节慰问",
            starts_on=today(),
            ends_on=today(),
            items=[(card, 1)],
        )
    assert "不得发放现金和购物卡" in refused.value.message and "32号" in refused.value.message


def test_a_yearly_cap_counts_every_campaign_under_the_rule_and_refuses_past_it(world):
    # given: a cap of ¥200 a year; each kit is worth ¥140
    services.rule_create(
        scope=world.scope("dongcheng_admin"),
        org=world.org("bj-dc"),
        name="每人每年慰问品总额",
        kind="yearly_cap",
        regulation=REGULATION,
        amount_fen=20000,
    )
    first, zhang = make_care(world), add_zhang(world)
    hand_out(world, first.campaign_sites[0], zhang)
    second = make_care(world, "bj-dc-lt-sy", name="第二次慰问")
    # when / then: ¥140 + ¥140 passes ¥200
    with pytest.raises(services.RuleBroken) as refused:
        hand_out(world, second.campaign_sites[0], zhang)
    assert "每人每年慰问品总额" in refused.value.message and "140.00" in refused.value.message
    # a void gives the value back
    services.distribution_void(
        scope=world.scope("longtan_officer"), distribution=zhang_first(first), reason="退回"
    )
    assert hand_out(world, second.campaign_sites[0], zhang).created
    assert RuleTotal.objects.get(worker=zhang).value_fen == 14000


def zhang_first(care):
    return care.campaign.distributions.get()


def test_a_rule_set_mid_year_counts_what_came_before(world):
    first, zhang = make_care(world), add_zhang(world)
    hand_out(world, first.campaign_sites[0], zhang)
    services.rule_create(
        scope=world.scope("dongcheng_admin"),
        org=world.org("bj-dc"),
        name="年度上限",
        kind="yearly_cap",
        regulation=REGULATION,
        amount_fen=20000,
    )
    second = make_care(world, "bj-dc-lt-sy", name="第二次慰问")
    with pytest.raises(services.RuleBroken):
        hand_out(world, second.campaign_sites[0], zhang)


def test_a_campaign_worth_more_than_the_cap_per_person_cannot_be_created(world):
    services.rule_create(
        scope=world.scope("dongcheng_admin"),
        org=world.org("bj-dc"),
        name="年度上限",
        kind="yearly_cap",
        regulation=REGULATION,
        amount_fen=10000,
    )
    with pytest.raises(services.RuleBroken):
        make_care(world)


def test_rules_need_their_figures(world):
    scope, org = world.scope("dongcheng_admin"), world.org("bj-dc")
    with pytest.raises(services.RuleBroken.__mro__[1]) as no_cap:
        services.rule_create(
            scope=scope, org=org, name="上限", kind="yearly_cap", regulation=REGULATION
        )
    assert "amount" in no_cap.value.fields
    with pytest.raises(services.RuleBroken.__mro__[1]):
        services.rule_create(
            scope=scope,
            org=org,
            name="禁止",
            kind="forbidden",
            regulation=REGULATION,
            categories=["gold"],
        )
