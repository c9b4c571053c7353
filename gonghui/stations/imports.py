"""Importing stations from the spreadsheets unions keep of their worker homes and warm
stations: the columns they use, hours written the way people write them ("周一至周五
08:00-20:00；周六、周日 09:00-17:00", "24小时"), coordinates in whichever system the map
that produced them uses. Each station is created through ``station_create``."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gonghui.core.imports.cells import cell_text, is_number
from gonghui.core.imports.columns import Column
from gonghui.core.imports.records import RecordImport, RowError, text
from gonghui.core.imports.spec import register_import
from gonghui.orgs.models import Org, OrgStatus
from gonghui.stations.coords import Crs
from gonghui.stations.hours import (
    ALL_DAY_WORDS,
    CLOSED_DAY,
    OPEN_24H,
    OpeningHours,
    parse_day_text,
)
from gonghui.stations.models import Service, Station, StationKind, VenueKind
from gonghui.stations.services import station_create, station_update

COLUMNS = (
    Column(
        "name",
        pgettext_lazy("station", "Name"),
        ("站点名称", "名称", "驿站名称", "阵地名称"),
        required=True,
    ),
    Column("kind", gettext_lazy("Kind"), ("类型", "站点类型", "阵地类型")),
    Column("org", gettext_lazy("Host organisation"), ("所属工会", "建设单位", "主管工会")),
    Column("venue_kind", gettext_lazy("Host venue type"), ("依托场所类型", "场所类型")),
    Column("venue_name", gettext_lazy("Host venue"), ("依托场所", "依托单位", "场所名称")),
    Column("address", gettext_lazy("Address"), ("地址", "详细地址", "站点地址"), required=True),
    Column("lng", gettext_lazy("Longitude"), ("经度", "lng", "lon")),
    Column("lat", gettext_lazy("Latitude"), ("纬度", "lat")),
    Column("crs", gettext_lazy("Coordinate system"), ("坐标系", "坐标类型")),
    Column("services", gettext_lazy("Services"), ("服务项目", "服务内容", "配套设施")),
    Column("hours", gettext_lazy("Opening hours"), ("开放时间", "服务时间", "营业时间")),
    Column("holidays", gettext_lazy("Closed on public holidays"), ("节假日休息", "法定节假日")),
    Column("service_phone", gettext_lazy("Service phone"), ("服务电话", "联系电话")),
    Column("contact_person", gettext_lazy("Contact person"), ("联系人", "负责人")),
)

KIND_WORDS = {
    StationKind.WORKER_HOME: "职工之家 职工小家 工会驿站 worker_home",
    StationKind.WARM_STATION: "暖心驿站 户外劳动者服务站点 户外劳动者服务站 爱心驿站 驿站 "
    "warm_station",
    StationKind.OTHER: "其他 其他服务点 服务点 other",
}
VENUE_WORDS = {
    VenueKind.UNION: "工会 工会阵地 工会服务站",
    VenueKind.COMMUNITY_CENTRE: "社区 社区服务中心 社区活动中心 党群服务中心",
    VenueKind.GOVERNMENT: "政务服务大厅 政务大厅 街道办事处 政府",
    VenueKind.BANK: "银行 银行网点 银行营业网点",
    VenueKind.SHOP: "商店 便利店 超市 商户",
    VenueKind.FUEL: "加油站 充电站 加油加气站",
    VenueKind.ENTERPRISE: "企业 单位 公司",
    VenueKind.PARK: "公园 广场 公共空间",
    VenueKind.OTHER: "其他",
}
SERVICE_WORDS = {
    Service.WATER: "饮水 热水 饮用水 喝水 开水",
    Service.MICROWAVE: "微波炉 热饭 加热 热餐",
    Service.CHARGING: "充电 手机充电 充电宝",
    Service.SEATS: "休息 座椅 歇脚 桌椅",
    Service.TOILET: "厕所 卫生间 如厕",
    Service.FIRST_AID: "急救 药箱 医药箱 急救包",
    Service.UMBRELLA: "雨伞 借伞 爱心伞",
    Service.COOLING_HEATING: "空调 取暖 纳凉 避暑",
    Service.REPAIR: "打气 维修 修车 打气筒",
    Service.WIFI: "wifi 无线网 无线网络",
    Service.BOOKS: "书报 图书 阅读 报刊",
}
CRS_WORDS = {
    Crs.WGS84: "wgs84 wgs-84 gps 北斗 天地图",
    Crs.GCJ02: "gcj02 gcj-02 高德 腾讯 火星",
    Crs.BD09: "bd09 bd-09 百度",
}
YES = frozenset({"是", "休息", "闭馆", "不开放", "y", "yes", "1", "true"})
NO = frozenset({"否", "不休息", "开放", "照常", "n", "no", "0", "false", ""})
WEEKDAYS = "一二三四五六日"
_DAY_SPAN = re.compile(
    r"(?:周|星期)([一二三四五六日天])\s*(?:至|到|-|—|~)\s*(?:周|星期)?([一二三四五六日天])"
)
_DAY_ONE = re.compile(r"(?:周|星期)([一二三四五六日天])")
_SEGMENTS = re.compile(r"[；;\n]+")


def _lookup(words: dict, value: str, column: str):
    table = {w.lower(): key for key, ws in words.items() for w in ws.split()}
    table.update({str(key.label): key for key in words})
    found = table.get(value.replace(" ", "").lower())
    if found is None:
        raise RowError(
            column,
            _("“%(v)s” is not one of: %(choices)s.")
            % {"v": value, "choices": "、".join(str(k.label) for k in words)},
        )
    return found


def _weekday(char: str) -> int:
    return 6 if char in "日天" else WEEKDAYS.index(char)


def _days_of(spec: str) -> list[int] | None:
    """Which weekdays a segment's day words name; None when it names none (every day)."""
    spec = spec.replace("星期", "周")
    if "工作日" in spec:
        return [0, 1, 2, 3, 4]
    if "周末" in spec or "双休日" in spec:
        return [5, 6]
    if "每天" in spec or "每日" in spec or "全年" in spec:
        return list(range(7))
    days: list[int] = []
    for first, last in _DAY_SPAN.findall(spec):
        a, b = _weekday(first), _weekday(last)
        days += list(range(a, b + 1)) if a <= b else [*range(a, 7), *range(0, b + 1)]
    spec = _DAY_SPAN.sub("", spec)
    days += [_weekday(char) for char in _DAY_ONE.findall(spec)]
    return sorted(set(days)) or None


def parse_week_text(value: str) -> list:
    """Seven days of hours from text such as "周一至周五 08:00-20:00；周六、周日 09:00-17:00",
    "每天 07:00-22:00", "工作日 08:00-18:00；周末休息" or "24小时". A day a text does not
    mention is closed; a later segment wins over an earlier one for the same day."""
    days = [CLOSED_DAY] * 7
    for segment in filter(None, (s.strip() for s in _SEGMENTS.split(value))):
        match = re.search(r"\d|24小时|全天|休息|闭馆|不开放", segment)
        if match is None:
            raise ValueError(_("Write hours as 周一至周五 08:00-20:00; separate days with ；."))
        day_words, times = segment[: match.start()], segment[match.start() :]
        closed = times.strip() in {"休息", "闭馆", "不开放"}
        hours = CLOSED_DAY if closed else parse_day_text(times)
        if times.replace(" ", "") in ALL_DAY_WORDS:
            hours = OPEN_24H
        for day in _days_of(day_words) or range(7):
            days[day] = hours
    return days


def _number(value: Any, column: str) -> float:
    if is_number(value):
        return float(value)
    try:
        return float(cell_text(value))
    except ValueError:
        raise RowError(column, _("Write a number such as 116.4074.")) from None


@dataclass
class Context:
    scope: Any
    default_org_id: int
    orgs: dict[str, int]


class StationImport(RecordImport):
    kind = "stations"
    title = gettext_lazy("Stations")
    columns = COLUMNS
    duplicate_column = pgettext_lazy("station", "Name")
    register_url_name = "stations:list"

    def prepare(self, job, scope) -> Context:
        orgs: dict[str, int] = {}
        rows = scope.orgs().filter(status=OrgStatus.ACTIVE).values_list("pk", "code", "name")
        for pk, code, name in rows:
            orgs[code.lower()], orgs[name] = pk, pk
        return Context(scope, job.org_id, orgs)

    def parse_row(self, context: Context, values: dict[str, Any]) -> dict[str, Any]:
        name = text(values, "name")
        if not name:
            raise RowError("name", _("The name is missing."))
        org_text = text(values, "org")
        org_id = (
            context.orgs.get(org_text, context.orgs.get(org_text.lower()))
            if org_text
            else (context.default_org_id)
        )
        if org_id is None:
            raise RowError(
                "org", _("“%(org)s” is not a union within your organisation.") % {"org": org_text}
            )
        data = {
            "org_id": org_id,
            "name": name[:100],
            "kind": _lookup(KIND_WORDS, text(values, "kind") or "暖心驿站", "kind"),
            "venue_kind": _lookup(VENUE_WORDS, text(values, "venue_kind") or "其他", "venue_kind"),
            "venue_name": text(values, "venue_name")[:100],
            "address": text(values, "address")[:200],
            "service_phone": text(values, "service_phone")[:30],
            "contact_person": text(values, "contact_person")[:50],
        }
        if not data["address"]:
            raise RowError("address", _("The address is missing."))
        data.update(self._location(values))
        data["services"] = self._services(text(values, "services"))
        data["hours"] = self._hours(values)
        return data

    @staticmethod
    def _location(values) -> dict[str, Any]:
        if values.get("lat") in (None, "") or values.get("lng") in (None, ""):
            raise RowError("lat", _("Longitude and latitude are needed to show the station."))
        lat, lng = _number(values["lat"], "lat"), _number(values["lng"], "lng")
        if not (3 < lat < 54 and 73 < lng < 136):
            raise RowError(
                "lat", _("The point is outside China: are longitude and latitude swapped?")
            )
        crs_text = text(values, "crs")
        if not crs_text:
            raise RowError(
                "crs",
                _(
                    "Say which map the coordinates come from (GPS, 高德 or "
                    "百度): the same numbers are hundreds of metres apart."
                ),
            )
        return {"lat": lat, "lng": lng, "crs": _lookup(CRS_WORDS, crs_text, "crs")}

    @staticmethod
    def _services(value: str) -> list[str]:
        found = []
        for word in filter(None, re.split(r"[、，,;；/\s]+", value)):
            found.append(_lookup(SERVICE_WORDS, word, "services"))
        return sorted(set(found), key=list(Service.values).index)

    @staticmethod
    def _hours(values) -> dict:
        try:
            days = parse_week_text(text(values, "hours") or "24小时")
        except ValueError as exc:
            raise RowError("hours", str(exc)) from None
        holiday_text = text(values, "holidays").lower()
        if holiday_text not in YES | NO:
            raise RowError("holidays", _("Write 是 or 否."))
        return OpeningHours(days=tuple(days), closed_on_holidays=holiday_text in YES).to_json()

    def key(self, data) -> str:
        return f"{data['org_id']}:{data['name']}"

    def existing(self, scope, data):
        return Station.objects.filter(org_id=data["org_id"], name=data["name"]).first()

    def create(self, scope, job, data) -> None:
        fields = {k: v for k, v in data.items() if k != "org_id"}
        station_create(scope=scope, org=Org.objects.get(pk=data["org_id"]), **fields)

    def update(self, scope, job, record, data) -> None:
        fields = {k: v for k, v in data.items() if k not in {"org_id", "lat", "lng", "crs"}}
        station_update(
            scope=scope, station=record, location=(data["lat"], data["lng"], data["crs"]), **fields
        )


register_import(StationImport())
