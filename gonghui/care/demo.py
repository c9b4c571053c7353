"""Demo relief campaigns: the three street-union campaigns of the newspaper page, written
through the services with records whose totals are the page's figures.

- 龙潭街道总工会 (温暖战疫职工): milk, yogurt and cooking oil to frontline anti-epidemic
  workers, handed out at the street union and two communities;
- 新街口街道总工会 (为一线职工送防疫包): antigen tests, N95 masks and medicines packed into
  epidemic kits, and food, for couriers, security guards and community workers:
  1,036 person-times ("慰问职工达1000多人次");
- 高碑店地区总工会 and its village and community unions (贴心服务外卖和快递小哥): instant
  noodles and drinks at 高井村, emergency power banks at 高碑店村, masks at 花园闸社区.

Plus the finance rules of 北京市总工会 (no cash or shopping cards; a yearly cap per person,
the configured figure), an open winter campaign at 龙潭 to try the phone page on, and three
hardship files at 龙潭 (the `longtan` and `dc_admin` logins are granted hardship files).
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import role_set_hardship_access
from gonghui.care import services
from gonghui.care.models import CareCampaign, Item
from gonghui.core.scope import scope_for_user
from gonghui.members.demo import person
from gonghui.members.models import EmploymentForm
from gonghui.orgs.models import Org

ORDER = 40
SEED = 4022
CHINA = ZoneInfo("Asia/Shanghai")
RULES_REGULATION = (
    "《基层工会经费收支管理办法》（总工办发〔2017〕32号）；"
    "《关于加强基层工会经费收支管理的通知》（总工办发〔2014〕23号）"
)
CAP_REGULATION = (
    "《基层工会经费收支管理办法》（总工办发〔2017〕32号）：慰问品标准由省级工会确定；"
    "此处金额为本平台配置值，并非条文原文"
)
XJK_KIT_PEOPLE = 530  # received the epidemic kit
XJK_FOOD_PEOPLE = 506  # of them, also the food parcel: 1,036 person-times in all
LT_PEOPLE = 168
GBD = {"gj": 86, "gbdc": 40, "hyz": 120}


@dataclass(frozen=True)
class Who:
    form: str
    group: str
    employer: str


COURIER = Who(EmploymentForm.COURIER, "outdoor", "顺丰速运有限公司")
JD = Who(EmploymentForm.COURIER, "outdoor", "北京京邦达贸易有限公司")
RIDER = Who(EmploymentForm.RIDER, "outdoor", "北京三快科技有限公司")
ELEME = Who(EmploymentForm.RIDER, "outdoor", "拉扎斯网络科技（上海）有限公司")
GUARD = Who(EmploymentForm.EMPLOYEE, "security_guard", "北京京城保安服务有限公司")
COMMUNITY = Who(EmploymentForm.EMPLOYEE, "community_worker", "新街口街道办事处")
EPIDEMIC = Who(EmploymentForm.EMPLOYEE, "epidemic_frontline", "龙潭街道社区卫生服务中心")


def _at(day: date, rng: random.Random) -> datetime:
    moment = time(9 + rng.randrange(8), rng.randrange(60), rng.randrange(60))
    return datetime.combine(day, moment, tzinfo=CHINA)


def _scope(username: str):
    return scope_for_user(User.objects.get(username=username))


def _item(scope, org, name, unit, category, yuan_each) -> Item:
    return services.item_create(
        scope=scope,
        org=org,
        name=name,
        unit=unit,
        category=category,
        unit_value_fen=int(yuan_each * 100),
    )


def _stock(scope, site, item, quantity, source_kind, source, day) -> None:
    services.stock_receive(
        scope=scope,
        site=site,
        item=item,
        quantity=quantity,
        value_fen=quantity * item.unit_value_fen,
        source_kind=source_kind,
        source=source,
        received_on=day,
    )


def _hand_out_many(scope, row, count, who_mix, rng, people, days) -> int:
    """Register each recipient on the spot and hand out, on the campaign's days."""
    for n in range(count):
        who = who_mix[n % len(who_mix)]
        p = person(people, young=who.group == "outdoor")
        services.distribution_register_and_hand_out(
            scope=scope,
            campaign_site=row,
            request_id=uuid.uuid4(),
            name=p["name"],
            phone=p["phone"],
            id_number=p["id_number"],
            employer_name=who.employer,
            employment_form=who.form,
            group=who.group,
            at=_at(days[n % len(days)], rng),
        )
    return count


def _rules(operator) -> None:
    bj = Org.objects.get(code="bj")
    services.rule_create(
        scope=operator,
        org=bj,
        name="不得发放现金、购物卡和代金券",
        kind="forbidden",
        regulation=RULES_REGULATION,
        categories=["cash", "shopping_card"],
    )
    services.rule_create(
        scope=operator,
        org=bj,
        name="慰问品每人每年总额上限",
        kind="yearly_cap",
        regulation=CAP_REGULATION,
        amount_fen=200000,
    )


def _longtan(rng, people) -> int:
    scope, org = _scope("longtan"), Org.objects.get(code="bj-dc-lt")
    day = date(2022, 12, 12)
    milk = _item(scope, org, "牛奶", "箱", "drink", 60)
    yogurt = _item(scope, org, "酸奶", "箱", "drink", 45)
    oil = _item(scope, org, "食用油", "桶", "food", 80)
    kit = services.kit_create(
        scope=scope,
        org=org,
        name="战疫慰问包",
        unit="份",
        components=[(milk, 1), (yogurt, 1), (oil, 1)],
    )
    hub = services.site_create(
        scope=scope, org=org, name="龙潭街道总工会", address="东城区龙潭路甲3号"
    )
    sites = [hub]
    for code, name in (("sy", "双玉社区党群服务中心"), ("ltbl", "龙潭北里社区居委会")):
        sites.append(
            services.site_create(
                scope=scope, org=Org.objects.get(code=f"bj-dc-lt-{code}"), name=name
            )
        )
    for item, source_kind, source in (
        (milk, "donated", "北京三元食品股份有限公司"),
        (yogurt, "donated", "北京三元食品股份有限公司"),
        (oil, "bought", "物美超市（龙潭店）"),
    ):
        _stock(scope, hub, item, LT_PEOPLE + 12, source_kind, source, day)
    services.kit_pack(scope=scope, site=hub, kit=kit, quantity=LT_PEOPLE + 10)
    for site in sites[1:]:
        services.stock_transfer(
            scope=scope, from_site=hub, to_site=site, item=kit, quantity=60, note="分送社区发放点"
        )
    services.stock_adjust(scope=scope, site=hub, item=milk, delta=-2, reason="运输破损")
    campaign = services.campaign_create(
        scope=scope,
        org=org,
        name="温暖战疫职工：慰问防疫一线职工",
        kit=kit,
        starts_on=day,
        ends_on=day + timedelta(days=6),
        target_groups=["epidemic_frontline"],
        description="向“舍小家、为大家”夜以继日奋斗在疫情防控第一线的工作人员送去牛奶、酸奶、食用油。",
    )
    rows = [services.campaign_site_add(scope=scope, campaign=campaign, site=s) for s in sites]
    campaign = services.campaign_set_status(scope=scope, campaign=campaign, status="open")
    days = [day + timedelta(days=d) for d in range(3)]
    done = 0
    for row, count in zip(rows, (LT_PEOPLE - 120, 60, 60), strict=True):
        row.campaign = campaign
        done += _hand_out_many(scope, row, count, [EPIDEMIC], rng, people, days)
    first = campaign.distributions.order_by("pk").first()
    services.distribution_void(scope=scope, distribution=first, reason="重复登记，已核对")
    _hand_out_many(scope, rows[0], 1, [EPIDEMIC], rng, people, days)
    services.campaign_set_status(scope=scope, campaign=campaign, status="closed")
    _winter(scope, org, hub, rows[0].site, milk, oil, rng, people)
    return done


def _winter(scope, org, hub, _site, milk, oil, rng, people) -> None:
    """An open campaign this winter, to try the phone page on: riders and couriers."""
    today = timezone.localdate()
    for item in (milk, oil):
        _stock(scope, hub, item, 200, "allocated", "东城区总工会", today - timedelta(days=3))
    kit = services.kit_create(
        scope=scope, org=org, name="冬季暖心包", unit="份", components=[(milk, 1), (oil, 1)]
    )
    services.kit_pack(scope=scope, site=hub, kit=kit, quantity=150)
    campaign = services.campaign_create(
        scope=scope,
        org=org,
        name=f"{today.year}年冬季送温暖：户外劳动者",
        kit=kit,
        starts_on=today - timedelta(days=2),
        ends_on=today + timedelta(days=40),
        target_forms=[EmploymentForm.COURIER, EmploymentForm.RIDER],
        target_groups=["outdoor"],
    )
    row = services.campaign_site_add(scope=scope, campaign=campaign, site=hub)
    row.campaign = services.campaign_set_status(scope=scope, campaign=campaign, status="open")
    days = [today - timedelta(days=d) for d in (2, 1)]
    _hand_out_many(scope, row, 36, [RIDER, COURIER, ELEME, JD], rng, people, days)


def _xinjiekou(rng, people) -> int:
    scope, org = _scope("xinjiekou"), Org.objects.get(code="bj-xc-xjk")
    day = date(2022, 12, 14)
    test = _item(scope, org, "抗原检测试剂", "盒", "medical", 25)
    n95 = _item(scope, org, "N95口罩", "盒", "protective", 30)
    medicine = _item(scope, org, "中成药（连花清瘟胶囊）", "盒", "medical", 28)
    food = _item(scope, org, "慰问食品", "份", "food", 50)
    kit = services.kit_create(
        scope=scope,
        org=org,
        name="防疫包",
        unit="份",
        components=[(test, 1), (n95, 1), (medicine, 1)],
    )
    hub = services.site_create(
        scope=scope, org=org, name="新街口街道总工会", address="西城区新街口北大街"
    )
    yty = services.site_create(
        scope=scope, org=Org.objects.get(code="bj-xc-xjk-yty"), name="玉桃园社区快递驿站"
    )
    kd = services.site_create(
        scope=scope, org=Org.objects.get(code="bj-xc-xjk-kd"), name="新街口快递物流联合工会"
    )
    for item, kind, source in (
        (test, "allocated", "西城区总工会"),
        (n95, "bought", "北京医药股份有限公司"),
        (medicine, "bought", "北京同仁堂（新街口店）"),
        (food, "bought", "物美超市（新街口店）"),
    ):
        _stock(scope, hub, item, XJK_KIT_PEOPLE + 20, kind, source, day - timedelta(days=2))
    services.kit_pack(scope=scope, site=hub, kit=kit, quantity=XJK_KIT_PEOPLE + 10)
    for site, n in ((yty, 200), (kd, 180)):
        services.stock_transfer(scope=scope, from_site=hub, to_site=site, item=kit, quantity=n)
        services.stock_transfer(scope=scope, from_site=hub, to_site=site, item=food, quantity=n)
    kit_campaign = services.campaign_create(
        scope=scope,
        org=org,
        name="疫情防控专项送温暖：防疫包",
        kit=kit,
        starts_on=day,
        ends_on=day + timedelta(days=9),
        target_forms=[EmploymentForm.COURIER, EmploymentForm.RIDER],
        target_groups=["security_guard", "community_worker"],
        description="为快递员、保安员、社区工作者等一线工作人员送去抗原试剂、N95口罩、中成药。",
    )
    food_campaign = services.campaign_create(
        scope=scope,
        org=org,
        name="疫情防控专项送温暖：慰问品",
        items=[(food, 1)],
        starts_on=day,
        ends_on=day + timedelta(days=9),
        target_forms=[EmploymentForm.COURIER, EmploymentForm.RIDER],
        target_groups=["security_guard", "community_worker"],
    )
    mix = [COURIER, GUARD, COMMUNITY, JD, RIDER]
    days = [day + timedelta(days=d) for d in range(8)]
    rows = {}
    for campaign in (kit_campaign, food_campaign):
        made = [
            services.campaign_site_add(scope=scope, campaign=campaign, site=s)
            for s in (hub, yty, kd)
        ]
        opened = services.campaign_set_status(scope=scope, campaign=campaign, status="open")
        for row in made:
            row.campaign = opened
        rows[campaign.pk] = made
    split = (XJK_KIT_PEOPLE - 380, 200, 180)
    for row, count in zip(rows[kit_campaign.pk], split, strict=True):
        _hand_out_many(scope, row, count, mix, rng, people, days)
    # the same people come back for the food parcel at the same site, all but 24 of them
    food_rows = {row.site_id: row for row in rows[food_campaign.pk]}
    recipients = list(kit_campaign.distributions.select_related("worker", "site").order_by("pk"))
    for d in recipients[:XJK_FOOD_PEOPLE]:
        services.distribution_hand_out(
            scope=scope,
            campaign_site=food_rows[d.site_id],
            worker=d.worker,
            request_id=uuid.uuid4(),
            at=d.handed_at + timedelta(minutes=2),
        )
    for campaign in (kit_campaign, food_campaign):
        services.campaign_set_status(scope=scope, campaign=campaign, status="closed")
    return XJK_KIT_PEOPLE + XJK_FOOD_PEOPLE


def _gaobeidian(rng, people) -> int:
    area_scope = _scope("gaobeidian")
    day = date(2022, 12, 20)
    plans = [
        (
            "gj",
            "高井村工会",
            "外卖快递小哥暖心慰问：方便面、饮料",
            [("方便面", "箱", "food", 35), ("饮料", "箱", "drink", 40)],
        ),
        ("gbdc", "高碑店村爱心驿站", "爱心驿站应急“充电”包", [("应急充电宝", "个", "daily", 79)]),
        ("hyz", "花园闸社区快递驿站", "快递驿站小哥送口罩", [("医用口罩", "盒", "protective", 20)]),
    ]
    done = 0
    for code, site_name, title, items in plans:
        org = Org.objects.get(code=f"bj-cy-gbd-{code}")
        made = [_item(area_scope, org, name, unit, cat, price) for name, unit, cat, price in items]
        site = services.site_create(scope=area_scope, org=org, name=site_name)
        for item in made:
            _stock(area_scope, site, item, GBD[code] + 10, "bought", "高碑店地区总工会采购", day)
        campaign = services.campaign_create(
            scope=area_scope,
            org=org,
            name=title,
            items=[(item, 1) for item in made],
            starts_on=day,
            ends_on=day + timedelta(days=10),
            target_forms=[EmploymentForm.COURIER, EmploymentForm.RIDER],
        )
        row = services.campaign_site_add(scope=area_scope, campaign=campaign, site=site)
        row.campaign = services.campaign_set_status(
            scope=area_scope, campaign=campaign, status="open"
        )
        days = [day + timedelta(days=d) for d in range(5)]
        done += _hand_out_many(
            area_scope, row, GBD[code], [RIDER, COURIER, ELEME, JD], rng, people, days
        )
        services.campaign_set_status(scope=area_scope, campaign=campaign, status="closed")
    return done


def _hardship(operator, rng, people) -> int:
    for username, code in (("longtan", "bj-dc-lt"), ("dc_admin", "bj-dc")):
        role = Role.objects.get(user__username=username, org__code=code)
        role_set_hardship_access(scope=operator, role=role, allowed=True)
    scope, district = _scope("longtan"), _scope("dc_admin")
    org = Org.objects.get(code="bj-dc-lt")
    files = [
        ("illness", 3, 3200, "本人患尿毒症需长期透析；妻子在超市做临时工，女儿读初中。"),
        ("unemployment", 4, 2600, "本人所在企业停产待岗；父母年迈多病，儿子读小学。"),
        ("disaster", 2, 4100, "家中遭遇火灾，房屋受损；配偶残疾无劳动能力。"),
    ]
    today = timezone.localdate()
    for n, (reason, size, income, household) in enumerate(files):
        p = person(people)
        worker = services.find_recipient(p["id_number"]) or _register(scope, org, p)
        case = services.case_create(
            scope=scope,
            worker=worker,
            reason=reason,
            household_size=size,
            monthly_income_fen=income * 100,
            household=household,
            applied_on=today - timedelta(days=40 - n * 10),
        )
        if n < 2:
            case = services.case_assess(scope=scope, case=case, assessment="已入户核查，情况属实。")
        if n == 0:
            case = services.case_decide(
                scope=district, case=case, approve=True, note="符合帮扶条件"
            )
            services.assistance_add(
                scope=scope,
                case=case,
                kind="cash",
                amount_fen=300000,
                description="送温暖慰问金",
                given_on=today - timedelta(days=5),
            )
            services.assistance_add(
                scope=scope,
                case=case,
                kind="goods",
                amount_fen=42000,
                description="米、面、油",
                given_on=today - timedelta(days=5),
            )
    return len(files)


def _register(scope, org, p):
    from gonghui.members.services import worker_create

    return worker_create(
        scope=scope,
        org=org,
        name=p["name"],
        id_number=p["id_number"],
        phone=p["phone"],
        employer_name="北京龙潭物业管理有限公司",
        groups=["hardship"],
    )


@transaction.atomic
def load(*, progress=print) -> str:
    if CareCampaign.objects.filter(name="温暖战疫职工：慰问防疫一线职工").exists():
        return f"care: {CareCampaign.objects.count()} campaigns already there"
    operator = scope_for_user(User.objects.get(username="operator"))
    rng, people = random.Random(SEED), random.Random(SEED + 1)
    _rules(operator)
    counts = {"龙潭": _longtan(rng, people)}
    progress(f"care: 龙潭 {counts['龙潭']}")
    counts["新街口"] = _xinjiekou(rng, people)
    progress(f"care: 新街口 {counts['新街口']}")
    counts["高碑店"] = _gaobeidian(rng, people)
    files = _hardship(operator, rng, people)
    summary = "，".join(f"{k} {v} 人次" for k, v in counts.items())
    return f"care: {summary}; {files} hardship files"
