"""Parallel requests on PostgreSQL (DESIGN rule 5): a double tap, twenty times over, counts
once, because the database's unique constraint decides, not a check in Python."""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connection
from django.test import Client

from gonghui.core.models import AuditEvent
from gonghui.core.testing import build_world
from gonghui.stations.h5 import DEVICE_COOKIE
from gonghui.stations.models import StationVisit
from gonghui.stations.tests.factories import make_station
from gonghui.stations.tests.test_h5 import open_page

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
PARALLEL = 20


def tap_in_parallel(station, devices_and_tickets: list[tuple[str, str]]) -> list[int]:
    barrier = threading.Barrier(len(devices_and_tickets))

    def tap(pair: tuple[str, str]) -> int:
        device, ticket = pair
        client = Client()
        client.cookies[DEVICE_COOKIE] = device
        try:
            barrier.wait()
            url = f"/h5/stations/{station.code}/check-in/"
            return client.post(url, {"ticket": ticket}).status_code
        finally:
            connection.close()

    with ThreadPoolExecutor(len(devices_and_tickets)) as pool:
        return list(pool.map(tap, devices_and_tickets))


def scan(station) -> tuple[str, str]:
    client = Client()
    _page, ticket = open_page(client, station)
    return client.cookies[DEVICE_COOKIE].value, ticket


def test_twenty_simultaneous_check_ins_from_one_phone_count_once():
    # given
    station = make_station(build_world())
    device, ticket = scan(station)
    # when
    statuses = tap_in_parallel(station, [(device, ticket)] * PARALLEL)
    # then: every tap is answered normally, and one person-time is counted and audited
    assert statuses == [302] * PARALLEL
    assert StationVisit.objects.filter(station=station).count() == 1
    assert AuditEvent.objects.filter(action="station.check_in").count() == 1


def test_twenty_phones_at_once_count_twenty():
    station = make_station(build_world())
    phones = [scan(station) for _n in range(PARALLEL)]
    statuses = tap_in_parallel(station, phones)
    assert statuses == [302] * PARALLEL
    assert StationVisit.objects.filter(station=station).count() == PARALLEL
