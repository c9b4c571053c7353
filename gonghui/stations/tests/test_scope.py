"""DESIGN rule 1 for stations, spelled out (core/tests/test_scope_routes.py also walks every
route): an officer of 龙潭 can neither see nor change a station of 新街口, while the
district and the city above see it in their roll-ups."""

import pytest
from django.test import Client

from gonghui.accounts.services import token_create
from gonghui.core.errors import ForbiddenError, NotFoundError
from gonghui.core.permissions import Perm
from gonghui.stations import selectors
from gonghui.stations.models import Station
from gonghui.stations.services import station_check_in, station_update
from gonghui.stations.tests.factories import make_station


@pytest.fixture
def xinjiekou_station(world):
    station = make_station(world, "bj-xc-xjk", by="xinjiekou_officer", name="西直门暖心驿站")
    station_check_in(station=station, device="w" * 20)
    return station


def test_longtan_officer_cannot_see_a_xinjiekou_station(world, xinjiekou_station):
    scope = world.scope("longtan_officer")
    assert not selectors.station_list(scope).exists()
    with pytest.raises(NotFoundError):
        selectors.get_station_for(scope, station_id=xinjiekou_station.pk)
    assert selectors.station_daily_use(scope, xinjiekou_station) == []
    assert not selectors.station_feedback(scope, xinjiekou_station).exists()
    assert selectors.visit_counts(scope) == {"ratings": 0}


def test_longtan_officer_cannot_change_a_xinjiekou_station(world, xinjiekou_station, login):
    with pytest.raises(ForbiddenError):
        station_update(scope=world.scope("longtan_officer"), station=xinjiekou_station, name="改")
    client = login("longtan_officer")
    client.post(f"/stations/{xinjiekou_station.pk}/edit/", {"name": "改"})
    _row, token = token_create(user=world.users["longtan_officer"], name="t")
    api = Client(headers={"authorization": f"Bearer {token}"})
    response = api.patch(
        f"/api/v1/stations/{xinjiekou_station.pk}", {"name": "改"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert Station.objects.get(pk=xinjiekou_station.pk).name == "西直门暖心驿站"


def test_viewers_see_but_do_not_change(world, xinjiekou_station):
    scope = world.scope("xicheng_viewer")
    assert selectors.get_station_for(scope, station_id=xinjiekou_station.pk)
    with pytest.raises(ForbiddenError):
        selectors.get_station_for(scope, station_id=xinjiekou_station.pk, perm=Perm.EDIT)


def test_the_levels_above_see_it_in_their_roll_ups(world, xinjiekou_station):
    assert selectors.station_list(world.scope("city_admin")).get() == xinjiekou_station
    assert selectors.visit_counts(world.scope("city_admin"))["warm_station"] == 1
    assert selectors.visit_counts(world.scope("dongcheng_admin")) == {"ratings": 0}
