import uuid
from datetime import timedelta

import pytest

from gonghui.care import services
from gonghui.care.models import Distribution, StockBalance
from gonghui.care.tests.factories import hand_out, make_care, today
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.members.identity import worker_qr_token
from gonghui.members.tests.factories import ZHANG_ID, ZHANG_PHONE, add_worker, add_zhang


def kits_at(site, kit) -> int:
    return StockBalance.objects.get(site=site, item=kit).quantity


def test_a_hand_out_takes_one_kit_and_is_audited(world):
    care, zhang = make_care(world), add_zhang(world)
    result = hand_out(world, care.campaign_sites[0], zhang)
    assert result.created
    assert kits_at(care.sites[0], care.kit) == 9
    assert result.distribution.value_fen == 14000
    assert AuditEvent.objects.filter(action="care.hand_out").count() == 1


def test_a_second_hand_out_at_another_site_is_refused_with_when_and_where(world):
    care, zhang = make_care(world), add_zhang(world)
    hand_out(world, care.campaign_sites[0], zhang)
    with pytest.raises(services.AlreadyReceived) as refused:
        hand_out(world, care.campaign_sites[1], zhang)
    message = refused.value.message
    assert "张三" in message and "发放点1" in message and "龙潭街道总工会" in message
    assert today().isoformat() in message
    assert kits_at(care.sites[1], care.kit) == 10  # nothing taken at the second site
    assert Distribution.objects.count() == 1


def test_a_retried_scan_returns_the_first_result(world):
    care, zhang = make_care(world), add_zhang(world)
    request_id = uuid.uuid4()
    first = hand_out(world, care.campaign_sites[0], zhang, request_id=request_id)
    again = hand_out(world, care.campaign_sites[0], zhang, request_id=request_id)
    assert not again.created and again.distribution.pk == first.distribution.pk
    assert kits_at(care.sites[0], care.kit) == 9


def test_a_request_id_cannot_be_reused_for_someone_else(world):
    care, zhang = make_care(world), add_zhang(world)
    li = add_worker(world, "bj-dc-lt", "李四", phone="13900001111")
    request_id = uuid.uuid4()
    hand_out(world, care.campaign_sites[0], zhang, request_id=request_id)
    with pytest.raises(ConflictError):
        hand_out(world, care.campaign_sites[0], li, request_id=request_id)


def test_void_returns_the_kit_and_frees_the_person(world):
    care, zhang = make_care(world), add_zhang(world)
    first = hand_out(world, care.campaign_sites[0], zhang).distribution
    with pytest.raises(ApplicationError):
        services.distribution_void(
            scope=world.scope("longtan_officer"), distribution=first, reason=""
        )
    services.distribution_void(
        scope=world.scope("longtan_officer"), distribution=first, reason="登记错人"
    )
    assert kits_at(care.sites[0], care.kit) == 10
    with pytest.raises(ConflictError):
        services.distribution_void(
            scope=world.scope("longtan_officer"), distribution=first, reason="再次"
        )
    assert hand_out(world, care.campaign_sites[1], zhang).created
    assert AuditEvent.objects.filter(action="care.void").count() == 1


def test_a_limit_group_catches_the_same_courier_in_two_streets(world):
    # given: 东城 and 西城 unions both under 北京市总工会's winter limit group
    city = world.scope("city_admin")
    group = services.limit_group_create(
        scope=city,
        org=world.org("bj"),
        name="2026冬季送温暖",
        starts_on=today() - timedelta(days=30),
        ends_on=today() + timedelta(days=30),
    )
    longtan = make_care(world, limit_group=group)
    xinjiekou = make_care(world, "bj-xc-xjk", by="xinjiekou_officer", limit_group=group)
    zhang = add_zhang(world)
    hand_out(world, longtan.campaign_sites[0], zhang)
    # when: he collects again in 新街口
    with pytest.raises(services.AlreadyReceived) as refused:
        hand_out(world, xinjiekou.campaign_sites[0], zhang, by="xinjiekou_officer")
    # then: refused, naming 龙潭's site
    assert "龙潭街道总工会" in refused.value.message


def test_without_a_limit_group_each_campaign_counts_on_its_own(world):
    longtan = make_care(world)
    xinjiekou = make_care(world, "bj-xc-xjk", by="xinjiekou_officer")
    zhang = add_zhang(world)
    hand_out(world, longtan.campaign_sites[0], zhang)
    assert hand_out(world, xinjiekou.campaign_sites[0], zhang, by="xinjiekou_officer").created


def test_only_the_campaign_unions_officers_or_the_site_staff_hand_out(world):
    care, zhang = make_care(world), add_zhang(world)
    with pytest.raises(ForbiddenError):
        hand_out(world, care.campaign_sites[0], zhang, by="xinjiekou_officer")
    with pytest.raises(ForbiddenError):
        hand_out(world, care.campaign_sites[0], zhang, by="xicheng_viewer")


def test_hand_outs_only_while_the_campaign_is_open(world):
    care, zhang = make_care(world, open_campaign=False), add_zhang(world)
    with pytest.raises(ApplicationError) as refused:
        hand_out(world, care.campaign_sites[0], zhang)
    assert refused.value.code == "campaign_closed"


def test_a_person_outside_the_target_groups_is_refused(world):
    care = make_care(world, target_groups=["security_guard"], target_forms=["courier"])
    zhang = add_zhang(world)  # a rider in the outdoor group
    with pytest.raises(ApplicationError) as refused:
        hand_out(world, care.campaign_sites[0], zhang)
    assert refused.value.code == "not_a_target"
    guard = add_worker(world, "bj-dc-lt", "王保安", groups=["security_guard"])
    assert hand_out(world, care.campaign_sites[0], guard).distribution.target == "security_guard"


def test_short_stock_refuses_the_hand_out_and_records_nothing(world):
    care = make_care(world, kits=1, sites=1)
    hand_out(world, care.campaign_sites[0], add_zhang(world))
    li = add_worker(world, "bj-dc-lt", "李四", phone="13900001111")
    with pytest.raises(services.StockShort):
        hand_out(world, care.campaign_sites[0], li)
    assert Distribution.objects.filter(worker=li).count() == 0


def test_find_recipient_by_qr_code_id_number_or_phone(world):
    zhang = add_zhang(world)
    assert services.find_recipient(worker_qr_token(zhang)) == zhang
    assert services.find_recipient(ZHANG_ID) == zhang
    assert services.find_recipient(f"+86 {ZHANG_PHONE[:3]}-{ZHANG_PHONE[3:]}") == zhang
    assert services.find_recipient("13700000000") is None
    with pytest.raises(ApplicationError) as bad:
        services.find_recipient(ZHANG_ID[:-1] + ("0" if ZHANG_ID[-1] != "0" else "1"))
    assert "校验" in bad.value.message or "check" in bad.value.message
    with pytest.raises(ApplicationError):
        services.find_recipient("hello")


def test_register_on_the_spot_then_hand_out_all_or_nothing(world):
    care = make_care(world, kits=1, sites=1)
    row = care.campaign_sites[0]
    scope = world.scope("longtan_officer")
    request_id = uuid.uuid4()
    result = services.distribution_register_and_hand_out(
        scope=scope,
        campaign_site=row,
        request_id=request_id,
        name="赵快递",
        phone="13511112222",
        employer_name="顺丰速运",
        employment_form="courier",
    )
    assert result.created and result.distribution.worker.org == world.org("bj-dc-lt")
    again = services.distribution_register_and_hand_out(
        scope=scope, campaign_site=row, request_id=request_id, name="赵快递", phone="13511112222"
    )
    assert not again.created
    # no kit left: the next registration is refused and leaves no worker behind
    from gonghui.members.models import Worker

    with pytest.raises(services.StockShort):
        services.distribution_register_and_hand_out(
            scope=scope,
            campaign_site=row,
            request_id=uuid.uuid4(),
            name="钱外卖",
            phone="13522223333",
        )
    assert not Worker.objects.filter(name="钱外卖").exists()
