"""Demo stations for ``manage.py load_demo``: 东城区's 365 worker homes and 671 warm stations
(the figures of the union newspaper page), a few hundred in 西城区 and 朝阳区, and three weeks
of check-ins and ratings.

Names, places and hours are made up from a fixed seed, so every run describes the same
stations; a station whose host org already has one of that name is left alone, and
check-ins are one per station, device and day, so loading twice adds nothing. Everything is
written through the services, so the demo carries the same audit trail as real use.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.demo import AREAS, BUSINESSES, DEMO_SEED, OPERATOR, TRADE_NAMES
from gonghui.core.scope import scope_for_user
from gonghui.orgs.models import Org
from gonghui.stations.hours import CHINA_TZ, CLOSED_DAY, OPEN_24H, DayHours, OpeningHours
from gonghui.stations.models import Service, Station, StationStatus, StationVisit
from gonghui.stations.services import (
    station_check_in,
    station_create,
    station_set_status,
    station_visit_rate,
)

ORDER = 50  # after the orgs and logins of core/demo.py
SEED = DEMO_SEED + 6
VISIT_DAYS = 21


@dataclass(frozen=True)
class District:
    code: str
    name: str
    box: tuple[float, float, float, float]  # GCJ-02 south, north, west, east
    worker_homes: int
    warm_stations: int
    places: tuple[str, ...]  # names used for bank branches, shops, communities


DISTRICTS = (
    District(
        "bj-dc",
        "东城区",
        (39.86, 39.97, 116.38, 116.45),
        365,
        671,
        tuple(
            "东四 东单 王府井 崇文门 天坛 龙潭 光明楼 和平里 安定门 北新桥 朝阳门 建国门 东直门 "
            "永定门 磁器口 体育馆路 景山 交道口 地安门 东花市 前门 广渠门 左安门 幸福大街 夕照寺 "
            "法华寺 雍和宫 张自忠路 灯市口 金宝街 南锣鼓巷 美术馆 北京站 蒲黄榆 沙子口 东直门外 "
            "东总布 北池子 地坛 青年湖 西总布 天坛东门".split()
        ),
    ),
    District(
        "bj-xc",
        "西城区",
        (39.87, 39.97, 116.32, 116.385),
        50,
        110,
        tuple(
            "新街口 西直门 西四 西单 复兴门 阜成门 金融街 月坛 广安门 德胜门 什刹海 宣武门".split()
        ),
    ),
    District(
        "bj-cy",
        "朝阳区",
        (39.86, 40.02, 116.43, 116.58),
        60,
        140,
        tuple(
            "高碑店 建外 望京 国贸 三里屯 双井 劲松 潘家园 酒仙桥 大望路 朝阳门外 亚运村".split()
        ),
    ),
)
# Street unions' neighbourhoods (GCJ-02 centres): their stations gather around them.
AREA_CENTRES = {
    "bj-dc-lt": (39.878, 116.435),
    "bj-dc-dhm": (39.915, 116.403),
    "bj-dc-js": (39.928, 116.400),
    "bj-dc-hpl": (39.958, 116.417),
    "bj-xc-xjk": (39.940, 116.365),
    "bj-xc-xcaj": (39.905, 116.375),
    "bj-xc-jrj": (39.915, 116.357),
    "bj-xc-ds": (39.955, 116.375),
    "bj-cy-gbd": (39.905, 116.520),
    "bj-cy-jw": (39.908, 116.455),
    "bj-cy-wj": (39.995, 116.475),
}
# (brand, venue kind, name pattern)
VENUES = (
    ("中国工商银行", "bank", "{brand}{place}支行暖心驿站"),
    ("中国农业银行", "bank", "{brand}{place}支行暖心驿站"),
    ("中国银行", "bank", "{brand}{place}支行暖心驿站"),
    ("中国建设银行", "bank", "{brand}{place}支行暖心驿站"),
    ("交通银行", "bank", "{brand}{place}支行暖心驿站"),
    ("北京银行", "bank", "{brand}{place}支行暖心驿站"),
    ("中国邮政储蓄银行", "bank", "{brand}{place}支行暖心驿站"),
    ("招商银行", "bank", "{brand}{place}支行暖心驿站"),
    ("中信银行", "bank", "{brand}{place}支行暖心驿站"),
    ("物美便利店", "shop", "{brand}{place}店爱心驿站"),
    ("便利蜂", "shop", "{brand}{place}店爱心驿站"),
    ("好邻居便利店", "shop", "{brand}{place}店爱心驿站"),
    ("7-Eleven", "shop", "{brand}{place}店爱心驿站"),
    ("中国石化", "fuel", "{brand}{place}加油站暖心驿站"),
    ("中国石油", "fuel", "{brand}{place}加油站暖心驿站"),
    ("社区党群服务中心", "community_centre", "{place}{brand}户外劳动者服务站"),
    ("政务服务中心", "government", "{place}{brand}暖心驿站"),
    ("工会服务站", "union", "{place}户外劳动者{brand}"),
    ("城市书房", "park", "{place}{brand}暖心驿站"),
)
NOTES = (
    "热水很方便，谢谢工会",
    "微波炉很干净，中午热饭不用排队",
    "充电线不够用，希望多备几根",
    "冬天进来暖和一下，太好了",
    "工作人员很热情",
    "希望晚上能多开一会儿",
    "下雨天借到了伞，感谢",
    "座位有点少，中午人多",
    "卫生间干净",
    "打气筒帮了大忙",
)
WEEKDAYS_9_TO_5 = DayHours(intervals=((540, 1020),))


def _hours(rng: random.Random, venue_kind: str) -> OpeningHours:
    """A plausible schedule for the venue: banks keep office hours, fuel stations never close,
    a few worker homes serve the night shift until 02:00."""
    if venue_kind == "fuel" or (venue_kind == "shop" and rng.random() < 0.5):
        return OpeningHours(days=(OPEN_24H,) * 7, makeup_day_follows=None)
    if venue_kind == "shop":
        return OpeningHours(days=(DayHours(intervals=((420, 1380),)),) * 7, makeup_day_follows=None)
    if venue_kind == "enterprise" and rng.random() < 0.15:
        night = DayHours(intervals=((18 * 60, 26 * 60),))
        return OpeningHours(days=(night,) * 7, closed_on_holidays=False)
    weekend = rng.choice([CLOSED_DAY, WEEKDAYS_9_TO_5, DayHours(intervals=((540, 960),))])
    weekday = rng.choice([WEEKDAYS_9_TO_5, DayHours(intervals=((480, 1200),))])
    return OpeningHours(
        days=(weekday,) * 5 + (weekend,) * 2,
        closed_on_holidays=rng.random() < 0.5,
        makeup_day_follows=0,
    )


SERVICE_ODDS = {
    "water": 1.0,
    "microwave": 0.5,
    "charging": 0.85,
    "seats": 0.9,
    "toilet": 0.45,
    "first_aid": 0.5,
    "umbrella": 0.4,
    "cooling_heating": 0.7,
    "repair": 0.2,
    "wifi": 0.4,
    "books": 0.3,
}


def _services(rng: random.Random) -> list[str]:
    return [code for code in Service.values if rng.random() < SERVICE_ODDS[code]]


@dataclass(frozen=True)
class StationSpec:
    host: str  # org code
    fields: dict


def _hosts(district: District) -> list[str]:
    hosts = [district.code]
    for area in AREAS:
        if area.parent == district.code:
            hosts += [area.code] * 3 + [f"{area.code}-{suffix}" for suffix, _n in area.communities]
    return hosts


def _point(rng: random.Random, district: District, host: str) -> tuple[float, float]:
    south, north, west, east = district.box
    area = next((code for code in AREA_CENTRES if host.startswith(code)), None)
    if area is None or rng.random() < 0.3:
        return rng.uniform(south, north), rng.uniform(west, east)
    lat, lng = AREA_CENTRES[area]
    return (
        min(north, max(south, rng.gauss(lat, 0.012))),
        min(east, max(west, rng.gauss(lng, 0.015))),
    )


def _common(
    rng: random.Random, district: District, host: str, venue_kind: str, place: str = ""
) -> dict:
    lat, lng = _point(rng, district, host)
    place = place or rng.choice(district.places)
    return {
        "lat": round(lat, 6),
        "lng": round(lng, 6),
        "crs": "gcj02",
        "address": f"北京市{district.name}{place}{rng.choice('东西南北')}"
        f"{rng.choice(['大街', '路', '胡同', '里'])}{rng.randint(1, 180)}号",
        "services": _services(rng),
        "hours": _hours(rng, venue_kind).to_json(),
        "service_phone": f"010-{rng.choice('68')}{rng.randint(0, 9_999_999):07d}",
    }


def station_specs(seed: int = SEED) -> Iterator[StationSpec]:
    rng = random.Random(seed)
    companies = rng.sample(
        [(t, b) for t in TRADE_NAMES for b in BUSINESSES],
        sum(district.worker_homes for district in DISTRICTS),
    )
    for district in DISTRICTS:
        hosts = _hosts(district)
        mine, companies = companies[: district.worker_homes], companies[district.worker_homes :]
        for trade, (business, short) in mine:
            host = rng.choice(hosts)
            yield StationSpec(
                host,
                {
                    "name": f"北京{trade}{short}职工之家",
                    "kind": "worker_home",
                    "venue_kind": "enterprise",
                    "venue_name": f"北京{trade}{business}",
                    **_common(rng, district, host, "enterprise"),
                },
            )
        venues = rng.sample(
            [(v, p) for v in VENUES for p in district.places], district.warm_stations
        )
        for (brand, venue_kind, pattern), place in venues:
            host = rng.choice(hosts)
            venue = pattern.format(brand=brand, place=place).removesuffix("暖心驿站")
            yield StationSpec(
                host,
                {
                    "name": pattern.format(brand=brand, place=place),
                    "kind": "warm_station",
                    "venue_kind": venue_kind,
                    "venue_name": venue.removesuffix("爱心驿站").removesuffix("户外劳动者服务站"),
                    **_common(rng, district, host, venue_kind, place),
                },
            )


def _create_stations(
    scope, specs: list[StationSpec], progress: Callable[[str], None]
) -> tuple[int, int]:
    hosts = {host for district in DISTRICTS for host in _hosts(district)}
    orgs = {org.code: org for org in Org.objects.filter(code__in=hosts)}
    existing = set(Station.objects.values_list("org__code", "name"))
    rng = random.Random(SEED + 1)
    created = skipped = 0
    for done, spec in enumerate(specs, start=1):
        if (spec.host, spec.fields["name"]) in existing or spec.host not in orgs:
            skipped += 1
            continue
        station = station_create(scope=scope, org=orgs[spec.host], **spec.fields)
        roll = rng.random()
        if roll < 0.03:
            station_set_status(scope=scope, station=station, status=StationStatus.SUSPENDED)
        elif roll < 0.04:
            station_set_status(scope=scope, station=station, status=StationStatus.CLOSED)
        created += 1
        if done % 200 == 0 or done == len(specs):
            progress(f"stations {done}/{len(specs)}")
    return created, skipped


def _create_visits(names: set[str], progress: Callable[[str], None]) -> tuple[int, int]:
    """About a third of the stations are in daily use: check-ins between 07:00 and 22:00 over
    the last three weeks, a quarter of them rated. Devices repeat (regulars). A station that
    has check-ins already was done by an earlier load and is left alone."""
    today = timezone.now().astimezone(CHINA_TZ).replace(hour=0, minute=0, second=0)
    visits = ratings = 0
    stations = Station.objects.filter(status=StationStatus.OPEN, name__in=names).exclude(
        pk__in=StationVisit.objects.values("station")
    )
    stations = list(stations.select_related("org").order_by("name"))
    for number, station in enumerate(stations, start=1):
        rng = random.Random(f"{SEED}:{station.name}")
        if rng.random() > 0.3:
            continue
        popularity = rng.uniform(0.2, 1.6)
        for back in range(VISIT_DAYS, 0, -1):
            for _n in range(int(rng.expovariate(1 / popularity))):
                # Every draw happens whether or not the visit exists already, so a second
                # load replays the same sequence and finds every visit in place.
                device = f"demo-{station.pk:06d}-{rng.randint(0, 40):04d}xxxx"
                at = today - timedelta(days=back) + timedelta(minutes=rng.randint(420, 1320))
                rated = rng.random() < 0.25
                rating = rng.choices([5, 4, 3, 2, 1], weights=[50, 30, 12, 5, 3])[0]
                note = rng.choice(NOTES) if rng.random() < 0.6 else ""
                _visit, created = station_check_in(station=station, device=device, at=at)
                visits += created
                if created and rated:
                    station_visit_rate(
                        station=station, device=device, rating=rating, note=note, at=at
                    )
                    ratings += 1
        if number % 200 == 0:
            progress(f"visits: {number}/{len(stations)} stations")
    return visits, ratings


def load(*, progress: Callable[[str], None] = lambda line: None) -> str:
    operator = User.objects.filter(username=OPERATOR).first()
    if operator is None:
        return "stations: skipped (no demo operator; load the core demo first)"
    scope = scope_for_user(operator)
    specs = list(station_specs())
    with transaction.atomic():  # all or nothing, and one commit (fast on SQLite)
        created, skipped = _create_stations(scope, specs, progress)
        visits, ratings = _create_visits({spec.fields["name"] for spec in specs}, progress)
    return (
        f"stations: {created} created, {skipped} already there; "
        f"check-ins: {visits} new, {ratings} rated"
    )
