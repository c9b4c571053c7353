import pytest

from gonghui.care import services
from gonghui.care.models import StockBalance, StockMovement
from gonghui.care.tests.factories import make_care, today
from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.models import AuditEvent


def balance(site, item) -> int:
    row = StockBalance.objects.filter(site=site, item=item).first()
    return row.quantity if row else 0


def test_packing_moves_supplies_into_kits_in_one_step(world):
    # given: 10 kits packed at each site from 10 milk and 10 oil
    care = make_care(world, sites=1)
    site = care.sites[0]
    # then
    assert balance(site, care.milk) == 0 and balance(site, care.oil) == 0
    assert balance(site, care.kit) == 10
    assert AuditEvent.objects.filter(action="care.kit_pack").count() == 1


def test_packing_more_kits_than_supplies_allow_packs_nothing(world):
    care = make_care(world, sites=1, kits=0)
    scope, site = world.scope("longtan_officer"), care.sites[0]
    services.stock_receive(
        scope=scope,
        site=site,
        item=care.milk,
        quantity=5,
        value_fen=30000,
        source_kind="donated",
        source="三元食品",
        received_on=today(),
    )
    services.stock_receive(
        scope=scope,
        site=site,
        item=care.oil,
        quantity=3,
        value_fen=24000,
        source_kind="donated",
        source="三元食品",
        received_on=today(),
    )
    # when: 4 kits need 4 oil, and there are 3
    with pytest.raises(ApplicationError) as refused:
        services.kit_pack(scope=scope, site=site, kit=care.kit, quantity=4)
    # then: the message names what is short, and nothing moved (the milk is still 5)
    assert "食用油" in refused.value.message and "3" in refused.value.message
    assert balance(site, care.milk) == 5 and balance(site, care.oil) == 3
    assert balance(site, care.kit) == 0
    assert not StockMovement.objects.filter(kind__in=["pack_in", "pack_out"]).exists()


def test_transfer_moves_stock_and_refuses_more_than_there_is(world):
    care = make_care(world, sites=2, kits=4)
    scope, (a, b) = world.scope("longtan_officer"), care.sites
    services.stock_transfer(scope=scope, from_site=a, to_site=b, item=care.kit, quantity=3)
    assert (balance(a, care.kit), balance(b, care.kit)) == (1, 7)
    with pytest.raises(ApplicationError):
        services.stock_transfer(scope=scope, from_site=a, to_site=b, item=care.kit, quantity=2)
    assert (balance(a, care.kit), balance(b, care.kit)) == (1, 7)


def test_adjustment_needs_a_reason_and_never_goes_below_zero(world):
    care = make_care(world, sites=1, kits=2)
    scope, site = world.scope("longtan_officer"), care.sites[0]
    with pytest.raises(ApplicationError) as no_reason:
        services.stock_adjust(scope=scope, site=site, item=care.kit, delta=-1, reason=" ")
    assert "reason" in no_reason.value.fields
    with pytest.raises(ApplicationError):
        services.stock_adjust(scope=scope, site=site, item=care.kit, delta=-3, reason="破损")
    services.stock_adjust(scope=scope, site=site, item=care.kit, delta=-2, reason="破损")
    assert balance(site, care.kit) == 0
    assert StockMovement.objects.filter(kind="adjust", note="破损").count() == 1


def test_kits_cannot_be_received_only_packed(world):
    care = make_care(world, sites=1, kits=0)
    with pytest.raises(ApplicationError):
        services.stock_receive(
            scope=world.scope("longtan_officer"),
            site=care.sites[0],
            item=care.kit,
            quantity=1,
            value_fen=100,
            source_kind="bought",
            source="x",
            received_on=today(),
        )


def test_an_outsider_cannot_touch_the_stock(world):
    care = make_care(world, sites=1, kits=2)
    with pytest.raises(ForbiddenError):
        services.stock_adjust(
            scope=world.scope("xinjiekou_officer"),
            site=care.sites[0],
            item=care.kit,
            delta=-1,
            reason="越权",
        )
    with pytest.raises(ForbiddenError):
        services.stock_adjust(
            scope=world.scope("xicheng_viewer"),
            site=care.sites[0],
            item=care.kit,
            delta=-1,
            reason="越权",
        )


def test_the_ledger_always_adds_up_to_the_balance(world):
    care = make_care(world, sites=2, kits=5)
    for site in care.sites:
        for item in (care.milk, care.oil, care.kit):
            moved = sum(
                StockMovement.objects.filter(site=site, item=item).values_list("delta", flat=True)
            )
            assert moved == balance(site, item)
