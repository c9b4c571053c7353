"""The demo world loaded by ``manage.py load_demo``: the union newspaper page's orgs under
their real parents, a few hundred made-up grassroots unions around them, and staff logins at
several levels.

Every write goes through the services, as anywhere else (STYLE.md habit 2), so the demo data
carries the same audit trail and passes the same checks as data entered in the console. The
made-up part comes from a fixed seed, so two runs describe the same world; together with
"skip what exists" this makes loading idempotent.
"""

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from django.contrib.auth import password_validation
from django.db import transaction
from stdnum.cn import uscc

from gonghui.accounts.models import Role, User
from gonghui.accounts.services import role_grant, staff_create
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.permissions import Perm, RoleKind
from gonghui.core.scope import Scope, scope_for_user
from gonghui.orgs.models import Org, OrgKind
from gonghui.orgs.services import org_create, org_create_root

DEMO_PASSWORD = "Gonghui@2026"
DEMO_SEED = 2026
DEFAULT_GRASSROOTS = 300
ROOT_CODE = "acftu"
OPERATOR = "operator"

FEDERATION, AREA, COMMUNITY = OrgKind.FEDERATION, OrgKind.AREA, OrgKind.COMMUNITY
GRASSROOTS, BRANCH = OrgKind.GRASSROOTS, OrgKind.BRANCH


@dataclass(frozen=True)
class OrgSpec:
    code: str
    name: str
    kind: str
    parent: str | None
    fields: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class District:
    name: str
    region: str  # administrative division code (GB/T 2260), part of a credit code
    roads: tuple[str, ...]


@dataclass(frozen=True)
class Area:
    """A street, area or town union with the roads its addresses use and its communities."""

    code: str
    name: str
    parent: str
    roads: tuple[str, ...]
    communities: tuple[tuple[str, str], ...] = ()  # (code suffix, name)


@dataclass(frozen=True)
class Login:
    username: str
    display_name: str
    roles: tuple[tuple[str, str], ...]  # (org code, role); the first is the home role


@dataclass
class DemoResult:
    orgs_created: int = 0
    orgs_skipped: int = 0
    users_created: int = 0
    users_skipped: int = 0
    logins: list[Login] = field(default_factory=list)


# (code, name, parent code, short name)
FEDERATIONS = [
    (ROOT_CODE, "中华全国总工会", None, "全总"),
    ("bj", "北京市总工会", ROOT_CODE, "市总工会"),
    ("bj-dc", "东城区总工会", "bj", "东城区总工会"),
    ("bj-xc", "西城区总工会", "bj", "西城区总工会"),
    ("bj-cy", "朝阳区总工会", "bj", "朝阳区总工会"),
    ("bj-dx", "大兴区总工会", "bj", "大兴区总工会"),
]

DISTRICTS = {
    "bj-dc": District("东城区", "110101", ("东直门南大街", "崇文门外大街", "东四北大街")),
    "bj-xc": District("西城区", "110102", ("阜成门内大街", "广安门内大街", "西单北大街")),
    "bj-cy": District("朝阳区", "110105", ("朝阳北路", "东三环中路", "酒仙桥路")),
    "bj-dx": District("大兴区", "110115", ("兴华大街", "黄村西大街", "永兴路")),
}

AREAS = [
    Area(
        "bj-dc-lt",
        "龙潭街道总工会",
        "bj-dc",
        ("龙潭路", "左安门内大街", "光明路"),
        (("sy", "双玉社区工会"), ("ltbl", "龙潭北里社区工会"), ("xzs", "夕照寺社区工会")),
    ),
    Area(
        "bj-dc-dhm",
        "东华门街道总工会",
        "bj-dc",
        ("王府井大街", "东华门大街", "南池子大街"),
        (("dfx", "多福巷社区工会"), ("sj", "韶九社区工会")),
    ),
    Area(
        "bj-dc-js",
        "景山街道总工会",
        "bj-dc",
        ("景山前街", "地安门东大街", "美术馆后街"),
        (("hhm", "黄化门社区工会"), ("jx", "吉祥社区工会")),
    ),
    Area(
        "bj-dc-hpl",
        "和平里街道总工会",
        "bj-dc",
        ("和平里中街", "和平里东街", "安定门外大街"),
        (("hplbj", "和平里北街社区工会"), ("xh", "兴化社区工会")),
    ),
    Area(
        "bj-xc-xjk",
        "新街口街道总工会",
        "bj-xc",
        ("新街口北大街", "西直门内大街", "西四北大街"),
        (("xsb", "西四北社区工会"), ("yty", "玉桃园社区工会")),
    ),
    Area(
        "bj-xc-xcaj",
        "西长安街街道总工会",
        "bj-xc",
        ("西长安街", "府右街", "西单北大街"),
        (("lbk", "六部口社区工会"), ("xjmx", "西交民巷社区工会")),
    ),
    Area(
        "bj-xc-jrj",
        "金融街街道总工会",
        "bj-xc",
        ("金融大街", "武定侯街", "太平桥大街"),
        (("fs", "丰盛社区工会"), ("dy", "大院社区工会")),
    ),
    Area(
        "bj-xc-ds",
        "德胜街道总工会",
        "bj-xc",
        ("德胜门外大街", "新街口外大街", "德外大街"),
        (("xwdj", "新外大街社区工会"), ("dsl", "德胜里社区工会")),
    ),
    Area(
        "bj-cy-gbd",
        "高碑店地区总工会",
        "bj-cy",
        ("高碑店路", "通惠河北路", "高碑店北路"),
        (("gj", "高井村工会"), ("hyz", "花园闸社区工会"), ("gbdc", "高碑店村工会")),
    ),
    Area(
        "bj-cy-jw",
        "建外街道总工会",
        "bj-cy",
        ("建国路", "建国门外大街", "光华路"),
        (("yal", "永安里社区工会"), ("jgl", "建国里社区工会")),
    ),
    Area(
        "bj-cy-wj",
        "望京街道总工会",
        "bj-cy",
        ("望京街", "阜通东大街", "广顺北大街"),
        (("hjd", "花家地社区工会"), ("nhdy", "南湖东园社区工会")),
    ),
    Area("bj-dx-yh", "瀛海镇总工会", "bj-dx", ("瀛昌街", "南海子路")),
    Area("bj-dx-xf", "兴丰街道总工会", "bj-dx", ("兴丰大街", "黄村西大街")),
    Area("bj-dx-qy", "清源街道总工会", "bj-dx", ("清源路", "兴华大街"), (("zy", "枣园社区工会"),)),
]

# (code, name, parent code, short name, branches as (code suffix, name))
ENTERPRISES = [
    (
        "bj-bus",
        "北京公交集团工会",
        "bj",
        "公交集团工会",
        [
            (f"{n:02d}", name)
            for n, name in enumerate(
                [
                    "第一客运分公司工会",
                    "第二客运分公司工会",
                    "第三客运分公司工会",
                    "第四客运分公司工会",
                    "第五客运分公司工会",
                    "第六客运分公司工会",
                    "第七客运分公司工会",
                    "第八客运分公司工会",
                    "电车客运分公司工会",
                    "保修分公司工会",
                    "场站分公司工会",
                    "教育培训中心工会",
                ],
                start=1,
            )
        ],
    ),
    (
        "bj-bucg",
        "北京城建集团工会",
        "bj",
        "城建集团工会",
        [
            ("01", "北京城建一建设发展有限公司工会"),
            ("02", "北京城建二建设工程有限公司工会"),
            ("03", "北京城建道桥建设集团有限公司工会"),
            ("04", "北京城建设计发展集团股份有限公司工会"),
        ],
    ),
    ("bj-dx-sanyuan", "三元食品工会", "bj-dx", "三元食品", [("gyy", "北京工业园分工会")]),
    ("bj-xc-xjk-kd", "新街口快递物流联合工会", "bj-xc-xjk", "快递物流联合工会", []),
]

LOGINS = [
    Login(OPERATOR, "郑凯", ((ROOT_CODE, RoleKind.ADMIN),)),
    Login("bj_admin", "王建国", (("bj", RoleKind.ADMIN),)),
    Login("dc_admin", "李秀梅", (("bj-dc", RoleKind.ADMIN),)),
    Login("longtan", "张伟", (("bj-dc-lt", RoleKind.OFFICER),)),
    Login("xinjiekou", "陈静", (("bj-xc-xjk", RoleKind.OFFICER),)),
    Login("gaobeidian", "刘洋", (("bj-cy-gbd", RoleKind.OFFICER),)),
    Login("bus_admin", "赵志刚", (("bj-bus", RoleKind.ADMIN),)),
    Login("xc_viewer", "孙丽", (("bj-xc", RoleKind.VIEWER),)),
    Login("multi_role", "周敏", (("bj-dc-lt", RoleKind.OFFICER), ("bj-xc-xjk", RoleKind.VIEWER))),
]

# Made-up trade names and lines of business for the generated grassroots unions.
TRADE_NAMES = (
    "华信 恒基 金泰 博远 瑞达 鑫源 京城 龙腾 永安 德润 汇通 盛世 锦程 嘉禾 宏达 新元 百川 安泰 "
    "福源 康宁 金桥 星光 亿家 万通 中联 和信 顺达 润泽 广达 聚源 同创 智远 恒信 众合 宏图 鼎盛 "
    "佳和 正阳 崇文 京华 天衡 致远 泰和 优品 创新 长青 兴隆 信达 明德 北辰星 金鼎 惠民"
).split()
BUSINESSES = [  # (full, short)
    ("科技有限公司", "科技"),
    ("信息技术有限公司", "信息"),
    ("物业管理有限公司", "物业"),
    ("餐饮管理有限公司", "餐饮"),
    ("商贸有限公司", "商贸"),
    ("速递有限公司", "速递"),
    ("物流有限公司", "物流"),
    ("家政服务有限公司", "家政"),
    ("养老服务有限公司", "养老"),
    ("保安服务有限公司", "保安"),
    ("建筑工程有限公司", "建筑"),
    ("文化传媒有限公司", "传媒"),
    ("医药连锁有限公司", "医药"),
    ("汽车服务有限公司", "汽车服务"),
    ("酒店管理有限公司", "酒店"),
    ("环境卫生服务有限公司", "环卫"),
    ("食品有限公司", "食品"),
    ("超市连锁有限公司", "超市"),
]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟"  # noqa: E501
GIVEN_NAMES = (
    "伟 芳 娜 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 霞 平 刚 秀英 桂英 建华 志强 海燕 "
    "晓东 文博 雪梅 丽娟 国庆 春生 红梅 志刚 淑珍 立新 玉兰 建军 子涵 浩然 欣怡 宇航 思远"
).split()
# Keep well below the number of combinations so drawing an unused one stays quick.
MAX_GRASSROOTS = len(TRADE_NAMES) * len(BUSINESSES) // 2
# GB 11714 organisation code: the 9th character checks the first 8.
ORG_CODE_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def fixed_org_specs() -> list[OrgSpec]:
    """The named orgs, parents before children."""
    specs = [
        OrgSpec(code, name, FEDERATION, parent, {"short_name": short})
        for code, name, parent, short in FEDERATIONS
    ]
    for area in AREAS:
        specs.append(
            OrgSpec(
                area.code,
                area.name,
                AREA,
                area.parent,
                {"short_name": area.name.removesuffix("总工会")},
            )
        )
        specs += [
            OrgSpec(f"{area.code}-{suffix}", name, COMMUNITY, area.code)
            for suffix, name in area.communities
        ]
    for code, name, parent, short, branches in ENTERPRISES:
        specs.append(OrgSpec(code, name, GRASSROOTS, parent, {"short_name": short}))
        specs += [
            OrgSpec(
                f"{code}-{suffix}",
                branch,
                BRANCH,
                code,
                {"short_name": branch.removesuffix("工会")},
            )
            for suffix, branch in branches
        ]
    return specs


def _places() -> dict[str, tuple[District, tuple[str, ...]]]:
    """Where a grassroots union under each district, area or community sits: (district, roads)."""
    places = {code: (district, district.roads) for code, district in DISTRICTS.items()}
    for area in AREAS:
        district = DISTRICTS[area.parent]
        places[area.code] = (district, area.roads)
        for suffix, _name in area.communities:
            places[f"{area.code}-{suffix}"] = (district, area.roads)
    return places


def credit_code(rng: random.Random, region: str) -> str:
    """A checksum-valid credit code of a union legal person: authority 8 (trade unions),
    category 1 (grassroots union), the region, a GB 11714 organisation code, the check."""
    body = "".join(rng.choice("0123456789") for _ in range(8))
    remainder = 11 - sum(int(c) * w for c, w in zip(body, ORG_CODE_WEIGHTS, strict=True)) % 11
    org_code = body + {10: "X", 11: "0"}.get(remainder, str(remainder))
    first17 = f"81{region}{org_code}"
    return first17 + uscc.calc_check_digit(first17)


def person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def grassroots_specs(count: int, *, seed: int = DEMO_SEED) -> Iterator[OrgSpec]:
    """``count`` made-up enterprise unions. Each one draws from the generator in the same way
    whatever ``count`` is, so a smaller demo is a prefix of the full one."""
    if count > MAX_GRASSROOTS:
        raise ValueError(f"at most {MAX_GRASSROOTS} distinct made-up names")
    rng = random.Random(seed)
    places = _places()
    parents = sorted(places)
    used_names: set[str] = set()
    used_codes: set[str] = set()
    for number in range(1, count + 1):
        parent = rng.choice(parents)
        district, roads = places[parent]
        trade, (business, business_short) = rng.choice(TRADE_NAMES), rng.choice(BUSINESSES)
        while f"{trade}{business}" in used_names:
            trade, (business, business_short) = rng.choice(TRADE_NAMES), rng.choice(BUSINESSES)
        used_names.add(f"{trade}{business}")
        fields = {
            "short_name": f"{trade}{business_short}",
            "address": f"北京市{district.name}{rng.choice(roads)}{rng.randint(1, 200)}号",
            "contact_person": person_name(rng),
            "contact_phone": f"010-{rng.choice('68')}{rng.randint(0, 9_999_999):07d}",
        }
        if rng.random() < 0.5:
            code = credit_code(rng, district.region)
            while code in used_codes:
                code = credit_code(rng, district.region)
            used_codes.add(code)
            fields["credit_code"] = code
        yield OrgSpec(
            f"{parent}-{number:03d}", f"北京{trade}{business}工会", GRASSROOTS, parent, fields
        )


def _bootstrap_operator(root: Org, result: DemoResult) -> User:
    """The platform operator, admin at the root.

    Created directly rather than through ``staff_create``: that service needs the scope of an
    admin above the org, and before this account exists nobody holds any role, so no scope can
    authorise it. The event is still audited (with no actor), like ``org_create_root``.
    """
    user = User.objects.filter(username__iexact=OPERATOR).first()
    if user is not None:
        result.users_skipped += 1
        return user
    login = LOGINS[0]
    candidate = User(username=login.username, display_name=login.display_name)
    password_validation.validate_password(DEMO_PASSWORD, candidate)
    user = User.objects.create_user(
        username=login.username, password=DEMO_PASSWORD, display_name=login.display_name
    )
    Role.objects.create(user=user, org=root, kind=RoleKind.ADMIN)
    audit_record(
        actor=None,
        action="staff.create",
        org=root,
        target=user,
        after={
            "username": user.username,
            "display_name": user.display_name,
            "role": f"{root.name}:{RoleKind.ADMIN}",
        },
    )
    result.users_created += 1
    return user


def _root(spec: OrgSpec, result: DemoResult) -> Org:
    root = Org.objects.filter(code=spec.code).first()
    if root is not None:
        result.orgs_skipped += 1
        return root
    result.orgs_created += 1
    return org_create_root(
        actor=None, code=spec.code, name=spec.name, kind=spec.kind, **spec.fields
    )


def _create_orgs(
    scope: Scope, specs: list[OrgSpec], result: DemoResult, progress: Callable[[str], None]
) -> None:
    orgs = Org.objects.filter(code__in=[s.parent for s in specs] + [s.code for s in specs])
    by_code = {org.code: org for org in orgs}
    total = len(specs) + 1  # the root is counted as done already
    for done, spec in enumerate(specs, start=2):
        if spec.code in by_code:
            result.orgs_skipped += 1
        else:
            by_code[spec.code] = org_create(
                scope=scope,
                parent=by_code[spec.parent],
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                **spec.fields,
            )
            result.orgs_created += 1
        if done % 100 == 0 or done == total:
            progress(f"orgs {done}/{total}")


def _create_login(scope: Scope, login: Login, result: DemoResult) -> None:
    if User.objects.filter(username__iexact=login.username).exists():
        result.users_skipped += 1
        return
    (home_code, home_role), *others = login.roles
    with transaction.atomic():  # an account and all its roles, or nothing
        user = staff_create(
            scope=scope,
            org=Org.objects.get(code=home_code),
            username=login.username,
            display_name=login.display_name,
            password=DEMO_PASSWORD,
            role=home_role,
        )
        for org_code, role in others:
            role_grant(scope=scope, user=user, org=Org.objects.get(code=org_code), role=role)
    result.users_created += 1


def build_demo(
    *, grassroots: int = DEFAULT_GRASSROOTS, progress: Callable[[str], None] = lambda line: None
) -> DemoResult:
    """Load the demo world; anything whose code or username already exists is left alone.

    One transaction: an interrupted load leaves nothing behind, and on SQLite one commit
    instead of hundreds keeps it fast.
    """
    root_spec, *specs = fixed_org_specs()
    specs += list(grassroots_specs(grassroots))
    result = DemoResult(logins=list(LOGINS))
    with transaction.atomic():
        root = _root(root_spec, result)
        operator = _bootstrap_operator(root, result)
        scope = scope_for_user(operator)
        if not scope.can(Perm.MANAGE_ORGS, root):
            raise ApplicationError(
                f"The account {OPERATOR!r} exists but is not an admin of "
                f"{root.name}; the demo cannot be loaded through it."
            )
        _create_orgs(scope, specs, result, progress)
        for login in LOGINS[1:]:
            _create_login(scope, login, result)
    return result
