"""Where an application goes: the employer's union, a federation's rule for the place of
work and industry, the street union, the district federation; and the employer's union
never for an applicant who asked that the employer not be told."""

import pytest

from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.members.models import RouteKind
from gonghui.members.services import (
    employer_alias_add,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
)
from gonghui.members.services.routing import employer_match
from gonghui.members.tests.factories import an_id, apply, employer_with_union


def test_an_employer_with_a_union_gets_its_workers_applications(world):
    # given: 顺丰 has its union, 新街口快递物流联合工会
    employer_with_union(world)
    # when: a courier of 顺丰 working in 龙潭 applies
    app = apply(world, place="bj-dc-lt", employer_name="顺丰速运有限公司", industry="express")
    # then
    assert app.org.code == "bj-xc-xjk-kd" and app.route == RouteKind.EMPLOYER_UNION


def test_without_an_employer_union_the_street_union_of_the_place_of_work_gets_it(world):
    app = apply(world, place="bj-xc-xjk", employer_name="美团")
    assert app.org.code == "bj-xc-xjk" and app.route == RouteKind.PLACE
    assert app.employer is None and app.employer_name == "美团"


def test_a_district_without_a_street_goes_to_the_district_federation(world):
    app = apply(world, place="bj-cy")
    assert app.org.code == "bj-cy" and app.route == RouteKind.DISTRICT


def test_a_federation_rule_for_the_place_and_industry_wins_over_the_street(world):
    # given: 西城区 sends couriers working in 新街口 to the joint union for couriers
    scope = world.scope("city_admin")
    rule = routing_rule_create(
        scope=scope,
        org=world.org("bj-xc"),
        place=world.org("bj-xc-xjk"),
        industry="express",
        target=world.org("bj-xc-xjk-kd"),
    )
    # when / then: a courier goes there, a rider (another industry) to the street union
    courier = apply(world, industry="express", employer_name="某快递")
    assert (courier.org.code, courier.route, courier.rule) == ("bj-xc-xjk-kd", "rule", rule)
    rider = apply(world, id_number=an_id("19900101", "001"), phone="13912340000")
    assert rider.org.code == "bj-xc-xjk"


def test_the_deepest_rule_wins_and_an_industry_rule_before_one_for_all(world):
    scope = world.scope("city_admin")
    for place, industry, target in (
        ("bj-xc", "", "bj-xc"),  # the district: everything to the district federation
        ("bj-xc-xjk", "", "bj-xc-xjk"),  # 新街口: to the street union ...
        ("bj-xc-xjk", "food_delivery", "bj-xc-xjk-kd"),  # ... riders to the joint union
    ):
        routing_rule_create(scope=scope, org=world.org("bj-xc"), place=world.org(place),
                            industry=industry, target=world.org(target))  # fmt: skip
    assert apply(world).org.code == "bj-xc-xjk-kd"
    other = apply(world, industry="retail", id_number=an_id("19900101", "001"), phone="13900000001")
    assert other.org.code == "bj-xc-xjk"
    district = apply(world, place="bj-xc", id_number=an_id("19800101", "001"), phone="13900000002")
    assert district.org.code == "bj-xc"


def test_not_told_the_employer_goes_to_the_area_union_never_the_employers(world):
    # given: 顺丰's union is 新街口快递物流联合工会, and a rule would send couriers there too
    employer_with_union(world)
    routing_rule_create(scope=world.scope("city_admin"), org=world.org("bj-xc"),
                        place=world.org("bj-xc-xjk"), industry="express",
                        target=world.org("bj-xc-xjk-kd"))  # fmt: skip
    # when: the courier asks that the employer not be told
    app = apply(world, employer_name="顺丰速运有限公司", industry="express",
                not_notify_employer=True)  # fmt: skip
    # then: the rule pointing at the employer's union is skipped; the street union handles it
    assert app.org.code == "bj-xc-xjk" and app.route == RouteKind.PLACE
    assert app.employer_union.code == "bj-xc-xjk-kd"


def test_what_applicants_type_finds_the_registered_employer(world):
    meituan = employer_with_union(world, name="北京三快科技有限公司", union="bj-xc-xjk-kd")
    employer_alias_add(scope=world.scope("xinjiekou_officer"), employer=meituan, alias="美团")
    assert employer_match(" 美团 ") == meituan
    assert employer_match("北京三快科技有限公司") == meituan
    assert employer_match("三快科技") == meituan  # the only registered name containing it
    assert employer_match("饿了么") is None


def test_rules_are_checked_and_kept_by_the_union_that_owns_the_places(world):
    scope = world.scope("dongcheng_admin")
    with pytest.raises(ApplicationError) as error:
        routing_rule_create(scope=scope, org=world.org("bj-dc"), place=world.org("bj-xc-xjk"),
                            target=world.org("bj-dc-lt"))  # fmt: skip
    assert "place" in error.value.fields
    # a street union keeps rules for its own subtree
    own = routing_rule_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt"),
        place=world.org("bj-dc-lt"),
        target=world.org("bj-dc-lt-sy"),
    )
    with pytest.raises(ConflictError):
        routing_rule_create(scope=scope, org=world.org("bj-dc"), place=world.org("bj-dc-lt"),
                            target=world.org("bj-dc"))  # fmt: skip
    # an officer of a sibling cannot touch it
    from gonghui.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):
        routing_rule_update(scope=world.scope("xinjiekou_officer"), rule=own,
                            target=world.org("bj-xc-xjk"))  # fmt: skip
    routing_rule_update(scope=scope, rule=own, target=world.org("bj-dc-lt"), note="暂由街道办理")
    routing_rule_delete(scope=scope, rule=own)
    from gonghui.core.models import AuditEvent

    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {"routing_rule.create", "routing_rule.update", "routing_rule.delete"} <= actions


def test_aliases_are_kept_by_the_employers_union_and_are_unique(world):
    employer = employer_with_union(world, name="北京三快科技有限公司")
    from gonghui.core.errors import ForbiddenError

    with pytest.raises(ForbiddenError):  # 龙潭 does not keep 新街口's employers
        employer_alias_add(scope=world.scope("longtan_officer"), employer=employer, alias="美团")
    with pytest.raises(ApplicationError) as error:
        employer_alias_add(scope=world.scope("xinjiekou_officer"), employer=employer, alias=" ")
    assert "alias" in error.value.fields
    employer_alias_add(scope=world.scope("xinjiekou_officer"), employer=employer, alias="美团")
    with pytest.raises(ConflictError):
        employer_alias_add(scope=world.scope("xinjiekou_officer"), employer=employer, alias="美团")


@pytest.mark.parametrize(
    ("owner", "place", "target", "industry", "field"),
    [
        ("bj-xc-xjk-kd", "bj-xc-xjk-kd", "bj-xc-xjk-kd", "", "org"),  # a grassroots union
        ("bj-xc", "bj-xc-xjk", "bj-dc-lt", "", "target"),  # outside the owner's subtree
        ("bj-xc", "bj-xc-xjk", "bj-xc-xjk", "astrology", "industry"),
    ],
)
def test_a_rule_is_refused_with_the_field_at_fault(world, owner, place, target, industry, field):
    with pytest.raises(ApplicationError) as error:
        routing_rule_create(scope=world.scope("city_admin"), org=world.org(owner),
                            place=world.org(place), target=world.org(target),
                            industry=industry)  # fmt: skip
    assert field in error.value.fields


def test_a_time_limit_is_a_federations_and_between_1_and_60_working_days(world):
    from gonghui.core.errors import ForbiddenError
    from gonghui.members.services import join_policy_set

    scope = world.scope("city_admin")
    for org, days, field in (("bj-xc-xjk", 10, "org"), ("bj-xc", 0, "decide_within_days"),
                             ("bj-xc", 61, "decide_within_days")):  # fmt: skip
        with pytest.raises(ApplicationError) as error:
            join_policy_set(scope=scope, org=world.org(org), decide_within_days=days)
        assert field in error.value.fields
    with pytest.raises(ForbiddenError):
        join_policy_set(scope=world.scope("xicheng_viewer"), org=world.org("bj-xc"),
                        decide_within_days=10)  # fmt: skip
    join_policy_set(scope=scope, org=world.org("bj-xc"), decide_within_days=10)
    join_policy_set(scope=scope, org=world.org("bj-xc"), decide_within_days=12)
    from gonghui.members.models import JoinPolicy

    assert JoinPolicy.objects.get().decide_within_days == 12


def test_an_archived_employer_union_is_passed_over(world):
    from gonghui.orgs.models import Org

    employer_with_union(world)
    Org.objects.filter(code="bj-xc-xjk-kd").update(status="archived")
    app = apply(world, employer_name="顺丰速运有限公司")
    assert app.org.code == "bj-xc-xjk" and app.route == RouteKind.PLACE
