"""Demo workers: a few thousand over the demo tree, couriers and riders included, written
through the services like any other record; and a sample spreadsheet with a handful of bad
rows (docs/samples/) that a new user can try the import on."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from django.db import transaction

from gonghui.core.crypto import blind_index
from gonghui.core.identity import id_check_digit
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.scope import system_scope
from gonghui.members.models import EmploymentForm, Worker
from gonghui.members.services import employer_create, worker_create
from gonghui.members.services.employers import employer_for_name
from gonghui.orgs.models import Org, OrgKind

ORDER = 20
SEED = 2026
PER_ORG = 12  # workers per grassroots union
GIG_PER_AREA = 40  # couriers, riders and drivers registered with each street union
# A rider with a known phone, so that whoever runs the demo can sign in on the H5 pages.
DEMO_RIDER = {
    "name": "王强",
    "phone": "13800138000",
    "id_number": "110101199205061236",
    "employer_name": "北京三快科技有限公司",
    "employment_form": EmploymentForm.RIDER,
    "groups": ["outdoor"],
    "joined_on": date(2024, 5, 1),
}
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "samples" / "workers-sample.xlsx"

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟 芳 娜 秀英 敏 静 丽 强 磊 军 洋 勇 艳 杰 娟 涛 明 超 秀兰 霞 平 刚 桂英 华 玉兰 萍 红 "
    "玲 芬 建国 建华 志强 志明 海燕 永刚 晓东 晓燕 俊杰 子涵 浩然 欣怡 宇轩 梓萱 思远 雨泽 "
    "佳怡 一鸣 文博 嘉怡 春生 国庆 淑珍 凤英 德明 金凤 卫东 立新"
).split()
REGIONS = (
    "110101",
    "110102",
    "110105",
    "110106",
    "130102",
    "130602",
    "370102",
    "410105",
    "420106",
    "510107",
    "230103",
    "140105",
    "341203",
    "130984",
)
PLATFORMS = [
    ("北京三快科技有限公司", EmploymentForm.RIDER),  # 美团
    ("拉扎斯网络科技（上海）有限公司", EmploymentForm.RIDER),  # 饿了么
    ("顺丰速运有限公司", EmploymentForm.COURIER),
    ("北京京邦达贸易有限公司", EmploymentForm.COURIER),  # 京东物流
    ("北京中通吉速递服务有限公司", EmploymentForm.COURIER),
    ("北京小桔科技有限公司", EmploymentForm.RIDE_HAIL),  # 滴滴
    ("北京货拉拉科技有限公司", EmploymentForm.TRUCKER),
]


def id_number(rng: random.Random, born: date, male: bool) -> str:
    serial = rng.randrange(100) * 10 + rng.choice((1, 3, 5, 7, 9) if male else (0, 2, 4, 6, 8))
    first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{serial:03d}"
    return first17 + id_check_digit(first17)


def person(rng: random.Random, *, young: bool = False) -> dict:
    male = rng.random() < (0.85 if young else 0.55)
    born = date(1965 if not young else 1985, 1, 1) + timedelta(days=rng.randrange(12_000))
    return {
        "name": rng.choice(SURNAMES) + rng.choice(GIVEN),
        "id_number": id_number(rng, born, male),
        "phone": f"1{rng.choice('3578')}{rng.randrange(10**9):09d}",
    }


GIG_WORDS = {
    EmploymentForm.RIDER: "外卖骑手",
    EmploymentForm.COURIER: "快递员",
    EmploymentForm.RIDE_HAIL: "网约车司机",
    EmploymentForm.TRUCKER: "货车司机",
}


def _employer_for(org: Org) -> str:
    """The enterprise behind a union: 北京公交集团工会 -> 北京公交集团, and its branch
    第一客运分公司工会 -> 北京公交集团第一客运分公司."""
    name = org.name.removesuffix("工会")
    if org.kind == OrgKind.BRANCH:
        return Org.objects.get_parent(org).name.removesuffix("工会") + name
    return name


def _joined(rng: random.Random) -> date | None:
    return date(2005, 1, 1) + timedelta(days=rng.randrange(7300)) if rng.random() < 0.7 else None


def load(*, progress=print) -> str:
    from gonghui.members.demo_join import load_applications

    return f"{_load_workers(progress=progress)}\n{load_applications(progress=progress)}"


@transaction.atomic
def _load_workers(*, progress=print) -> str:
    rng, people = random.Random(SEED + 1), random.Random(SEED)  # people: the same each run
    first = person(random.Random(SEED))["id_number"]
    if Worker.objects.filter(id_number_index=blind_index("id_number", first)).exists():
        return f"workers: {Worker.objects.count()} already there"
    root = Org.objects.get(code="acftu")
    scope = system_scope(root)
    created = 0
    grassroots = Org.objects.filter(kind__in=[OrgKind.GRASSROOTS, OrgKind.BRANCH]).order_by("path")
    for org in grassroots:
        employer = _employer_for(org)
        if org.kind == OrgKind.GRASSROOTS and not org.employers.exists():
            employer_create(scope=scope, name=employer, credit_code=org.credit_code, union=org)
        for _ in range(PER_ORG):
            worker_create(
                scope=scope,
                org=org,
                employer_name=employer,
                joined_on=_joined(rng),
                groups=["frontline"] if rng.random() < 0.3 else [],
                **person(people),
            )
            created += 1
    for area in Org.objects.filter(kind=OrgKind.AREA).order_by("path"):
        for _ in range(GIG_PER_AREA):
            platform, form = rng.choice(PLATFORMS)
            worker_create(
                scope=scope,
                org=area,
                employer_name=platform,
                employment_form=form,
                groups=["outdoor"],
                joined_on=_joined(rng) if rng.random() < 0.5 else None,
                **person(people, young=True),
            )
            created += 1
        progress(f"workers {created}")
    for name, _form in PLATFORMS:
        employer_for_name(name)
    worker_create(scope=scope, org=Org.objects.get(code="bj-dc-lt"), **DEMO_RIDER)
    _sample_import()
    return (
        f"workers: {created + 1} created; the sample spreadsheet checked, awaiting commit\n"
        f"A worker's own pages: http://127.0.0.1:8000/h5/ — sign in as the rider "
        f"{DEMO_RIDER['name']} with {DEMO_RIDER['phone']}; the texted code appears in "
        f"var/sms/outbox.log"
    )


def _sample_import() -> None:
    """The sample spreadsheet, uploaded and checked by 龙潭's officer: the demo opens on an
    import waiting for a decision, with its six rejected rows."""
    from gonghui.accounts.models import User
    from gonghui.core.imports import pipeline
    from gonghui.core.imports.services import import_start
    from gonghui.core.scope import scope_for_user

    officer = User.objects.filter(username="longtan").first()
    if officer is None or not SAMPLE.exists():
        return
    scope = scope_for_user(officer)
    with SAMPLE.open("rb") as handle:
        job = import_start(
            scope=scope,
            kind="workers",
            org=Org.objects.get(code="bj-dc-lt"),
            upload=handle,
            file_name="龙潭街道职工信息登记表.xlsx",
            enqueue=False,
        )
    transaction.on_commit(lambda: pipeline.validate_job(job.pk))


def sample_rows() -> list[list]:
    """docs/samples/workers-sample.xlsx: 30 plausible rows, 6 of them wrong the way real
    exports are wrong (each explained in docs/samples/README.md)."""
    rng = random.Random(7)
    header = [
        "序号",
        "姓名",
        "身份证号码",
        "手机号码",
        "工作单位",
        "所属工会",
        "用工形式",
        "入会时间",
    ]
    rows = [["龙潭街道职工信息登记表（2026年11月）"], header]
    for number in range(1, 31):
        p = person(rng, young=number % 3 == 0)
        platform, form = PLATFORMS[number % len(PLATFORMS)]
        gig = number % 3 == 0
        rows.append(
            [
                number,
                p["name"],
                p["id_number"],
                p["phone"],
                platform if gig else "北京龙潭物业管理有限公司",
                "龙潭街道总工会",
                GIG_WORDS[form] if gig else "劳动合同",
                "" if gig else "2019-05-01",
            ]
        )
    rows[4][2] = float(rows[4][2][:15] + "000")  # Excel turned the ID into a number
    rows[8][2] = rows[8][2][:-1] + ("0" if rows[8][2][-1] != "0" else "1")  # a mistyped digit
    rows[11][1] = ""  # no name
    rows[15][3] = "010-6712 3456"  # a landline, not a mobile
    rows[19][2] = rows[6][2]  # the same person twice
    rows[23][5] = "新街口街道总工会"  # a union outside 龙潭's subtree
    rows[27][3] = f" +86 {rows[27][3][:3]}-{rows[27][3][3:7]}-{rows[27][3][7:]} "  # fine
    return rows


def write_sample(path: Path = SAMPLE) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    return write_xlsx(path, sample_rows())
