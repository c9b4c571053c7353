"""The spreadsheet the import benchmark reads: plausible workers of a district, generated
once per size and seed and cached under var/bench/ (generation is not what is measured)."""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

import xlsxwriter

from gonghui.core.identity import id_check_digit

HEADER = ["姓名", "身份证号码", "手机号码", "工作单位", "所属工会", "用工形式", "性别", "入会时间"]
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡"
    "余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯"
    "龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
GIVEN = (
    "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰萍红娥玲芬建国建华志强"
    "志明海燕永刚晓东晓燕俊杰子涵浩然欣怡宇轩梓萱思远雨泽佳怡一鸣文博嘉怡"
)
REGIONS = [
    "110101",
    "110102",
    "110105",
    "110106",
    "110108",
    "130102",
    "130602",
    "370102",
    "410105",
    "420106",
    "510107",
    "230103",
    "120101",
    "140105",
    "210102",
    "320106",
]
FORMS = ["劳动合同", "劳务派遣", "快递员", "外卖骑手", "网约车司机", "货车司机", "灵活就业", ""]
FORM_WEIGHTS = [50, 8, 10, 14, 6, 4, 3, 5]
EMPLOYER_STEMS = (
    "京华 北辰 天坛 安定 东方 长城 首创 金隅 燕山 朝阳 城建 公交 三元 同仁 新源 德胜 正阳 永安"
).split()
EMPLOYER_KINDS = (
    "物业服务 建筑工程 餐饮管理 物流 快递服务 商贸 信息技术 环境卫生 "
    "养老服务 家政服务 酒店管理 食品"
).split()
PLATFORMS = [
    "北京三快科技有限公司",
    "拉扎斯网络科技（上海）有限公司",
    "顺丰速运有限公司",
    "北京京邦达贸易有限公司",
    "滴滴出行科技有限公司",
    "北京货拉拉科技有限公司",
]


def employers(rng: random.Random, count: int = 2000) -> list[str]:
    names = set(PLATFORMS)
    while len(names) < count:
        names.add(
            f"北京{rng.choice(EMPLOYER_STEMS)}{rng.choice(EMPLOYER_STEMS)}"
            f"{rng.choice(EMPLOYER_KINDS)}有限公司"
        )
    return sorted(names)


def rows(count: int, unions: list[str], seed: int = 2026):
    rng = random.Random(seed)
    companies = employers(rng)
    start = date(1962, 1, 1)
    for number in range(count):
        born = start + timedelta(days=rng.randrange(15_000))
        serial = f"{number % 1000:03d}"
        first17 = f"{rng.choice(REGIONS)}{born:%Y%m%d}{serial}"
        id_number = first17 + id_check_digit(first17)
        gender = "男" if int(serial[2]) % 2 else "女"
        form = rng.choices(FORMS, FORM_WEIGHTS)[0]
        employer = (
            rng.choice(PLATFORMS)
            if form in {"快递员", "外卖骑手", "网约车司机", "货车司机"}
            else rng.choice(companies)
        )
        phone = f"1{rng.choice('3456789')}{rng.randrange(10**9):09d}"
        if number % 7 == 0:
            phone = f"{phone[:3]}-{phone[3:7]}-{phone[7:]}"
        joined = "" if number % 3 else (born + timedelta(days=rng.randrange(6570, 12000)))
        if joined and joined > date(2026, 11, 1):
            joined = ""
        yield [
            rng.choice(SURNAMES) + rng.choice(GIVEN),
            id_number,
            phone,
            employer,
            rng.choice(unions),
            form,
            gender,
            joined,
        ]


def workbook(path: Path, count: int, unions: list[str], seed: int = 2026) -> Path:
    if path.exists():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial.xlsx")
    book = xlsxwriter.Workbook(str(partial), {"constant_memory": True})
    sheet = book.add_worksheet("职工名册")
    text = book.add_format({"num_format": "@"})
    day = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADER)
    seen: set[str] = set()
    line = 1
    for row in rows(count * 2, unions, seed):
        if row[1] in seen:
            continue
        seen.add(row[1])
        for col, value in enumerate(row):
            if col == 7 and value:
                sheet.write_datetime(line, col, value, day)
            else:
                sheet.write_string(line, col, value, text)
        line += 1
        if line > count:
            break
    book.close()
    partial.rename(path)
    return path
