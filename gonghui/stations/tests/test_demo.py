from collections import Counter

import pytest

from gonghui.core.demo import build_demo
from gonghui.core.models import AuditEvent
from gonghui.stations import demo
from gonghui.stations.hours import OpeningHours
from gonghui.stations.models import Service, Station, StationVisit


def test_specs_match_the_newspaper_figures_and_stay_in_their_districts():
    specs = list(demo.station_specs())
    assert specs == list(demo.station_specs())  # a fixed seed: the same demo every time
    counts = Counter((spec.host.split("-")[1], spec.fields["kind"]) for spec in specs)
    assert counts[("dc", "worker_home")] == 365 and counts[("dc", "warm_station")] == 671
    others = sum(n for (district, _kind), n in counts.items() if district != "dc")
    assert 200 <= others <= 500
    assert len({spec.fields["name"] for spec in specs}) == len(specs)
    boxes = {district.code: district.box for district in demo.DISTRICTS}
    for spec in specs:
        south, north, west, east = boxes["-".join(spec.host.split("-")[:2])]
        assert south <= spec.fields["lat"] <= north and west <= spec.fields["lng"] <= east
        OpeningHours.from_json(spec.fields["hours"])
        assert set(spec.fields["services"]) <= set(Service.values)
    assert "中国工商银行东四支行暖心驿站" in {spec.fields["name"] for spec in specs}


@pytest.fixture
def few_specs(monkeypatch):
    """Every 40th station, so the test loads a cross-section quickly."""
    sample = list(demo.station_specs())[::40]
    monkeypatch.setattr(demo, "station_specs", lambda: iter(sample))
    return sample


def test_load_writes_through_the_services_and_twice_adds_nothing(db, few_specs):
    build_demo(grassroots=0)
    summary = demo.load()
    assert summary.startswith(f"stations: {len(few_specs)} created")
    assert Station.objects.count() == len(few_specs)
    assert AuditEvent.objects.filter(action="station.create").count() == len(few_specs)
    assert StationVisit.objects.exists()
    assert AuditEvent.objects.filter(action="station.check_in").count() == (
        StationVisit.objects.count()
    )
    before = (Station.objects.count(), StationVisit.objects.count(), AuditEvent.objects.count())
    again = demo.load()
    assert again.startswith(f"stations: 0 created, {len(few_specs)} already there")
    assert "check-ins: 0 new" in again
    after = (Station.objects.count(), StationVisit.objects.count(), AuditEvent.objects.count())
    assert after == before


def test_load_without_the_core_demo_does_nothing(db):
    assert "skipped" in demo.load()
