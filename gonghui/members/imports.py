"""Importing workers from the spreadsheets other systems export (issue: workers register).

``check_rows`` is the hot path of a million-row import: it runs in worker processes, touches
no database, and does only what each row needs (DESIGN "known costs": the hand checksum,
a regex for mobiles, AES-GCM and HMAC, pinyin cached by name).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from gonghui.core.crypto import Keyring, blind_index, encrypt, keyring
from gonghui.core.identity import (
    IdentityError,
    check_mobile,
    normalise_id_number,
    normalise_phone,
    normalise_text,
    parse_id_number,
)
from gonghui.core.imports.cells import cell_date, cell_text, is_number
from gonghui.core.imports.columns import Column
from gonghui.core.imports.db import copy_rows
from gonghui.core.imports.spec import Checked, ImportSpec, register_import
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.pinyin import pinyin_keys
from gonghui.members.models import EmploymentForm, MembershipStatus, Worker, WorkerImportRow
from gonghui.members.services.employers import employers_ensure
from gonghui.orgs.models import OrgStatus

COLUMNS = (
    Column(
        "name",
        pgettext_lazy("person", "Name"),
        ("姓名", "职工姓名", "会员姓名", "名字"),
        required=True,
    ),
    Column(
        "id_number",
        gettext_lazy("Resident ID number"),
        (
            "身份证号",
            "身份证号码",
            "证件号码",
            "公民身份号码",
            "身份证",
            "居民身份证号码",
            "证件号",
        ),
    ),
    Column(
        "phone",
        gettext_lazy("Mobile phone"),
        ("手机", "手机号", "手机号码", "联系电话", "联系方式", "移动电话", "电话", "电话号码"),
    ),
    Column(
        "employer",
        gettext_lazy("Employer"),
        ("工作单位", "单位名称", "用人单位", "单位", "所在单位", "企业名称", "所属平台"),
    ),
    Column("org", gettext_lazy("Union"), ("所属工会", "工会名称", "所在工会", "工会")),
    Column(
        "employment_form",
        gettext_lazy("Employment form"),
        ("用工形式", "就业形态", "用工性质", "用工类型"),
    ),
    Column("gender", gettext_lazy("Gender"), ("性别",)),
    Column("birth_date", gettext_lazy("Birth date"), ("出生日期", "出生年月", "生日")),
    Column("joined_on", gettext_lazy("Joined the union on"), ("入会时间", "入会日期", "入会年月")),
)

EMPLOYMENT_FORM_WORDS = {
    EmploymentForm.EMPLOYEE: "劳动合同 合同制 正式 正式员工 正式职工 在编 全日制 职工 员工 聘用 "
    "合同工 employee",
    EmploymentForm.DISPATCHED: "劳务派遣 派遣 派遣工 dispatched",
    EmploymentForm.COURIER: "快递员 快递 快递小哥 快递配送 courier",
    EmploymentForm.RIDER: "外卖员 外卖骑手 骑手 外卖 外卖配送员 配送员 rider",
    EmploymentForm.RIDE_HAIL: "网约车司机 网约车 网约车驾驶员 ride_hail",
    EmploymentForm.TRUCKER: "货车司机 货车 卡车司机 货运司机 trucker",
    EmploymentForm.GIG_OTHER: "灵活就业 新就业形态 其他 零工 平台用工 非全日制 gig_other",
}
FORM_BY_WORD = {
    word: form for form, words in EMPLOYMENT_FORM_WORDS.items() for word in words.split()
}
GENDER_WORDS = {"男": "M", "男性": "M", "m": "M", "女": "F", "女性": "F", "f": "F"}
AMBIGUOUS = -1

STAGE_COLUMNS = (
    "job_id",
    "row",
    "org_id",
    "name",
    "name_pinyin",
    "name_initials",
    "gender",
    "birth_date",
    "id_number_enc",
    "id_number_index",
    "id_number_masked",
    "phone_enc",
    "phone_index",
    "phone_masked",
    "phone_tail",
    "employer_name",
    "employment_form",
    "membership_status",
    "joined_on",
)
# Columns copied from staging into the register; an update keeps the register's phone when
# the file has none.
WORKER_COLUMNS = STAGE_COLUMNS[2:15] + ("employment_form", "membership_status", "joined_on")
PHONE_COLUMNS = ("phone_enc", "phone_index", "phone_masked", "phone_tail")


@dataclass
class Context:
    default_org_id: int
    orgs: dict[str, int]  # code, name and short name of every active org in scope
    today: date
    ring: Keyring


def _org_lookup(scope) -> dict[str, int]:
    lookup: dict[str, int] = {}
    rows = (
        scope.orgs().filter(status=OrgStatus.ACTIVE).values_list("pk", "code", "name", "short_name")
    )
    for pk, code, name, short in rows:
        for key in {code.lower(), name, short}:
            if key:
                lookup[key] = pk if lookup.get(key, pk) == pk else AMBIGUOUS
    return lookup


class WorkerImport(ImportSpec):
    kind = "workers"
    title = gettext_lazy("Workers")
    columns = COLUMNS
    duplicate_column = gettext_lazy("Resident ID number")
    register_url_name = "members:list"

    def prepare(self, job, scope) -> Context:
        return Context(job.org_id, _org_lookup(scope), timezone.localdate(), keyring())

    def check_rows(self, context: Context, rows, index) -> list[Checked]:
        labels = {c.key: str(c.label) for c in COLUMNS}
        return [self._check(context, number, cells, index, labels) for number, cells in rows]

    def _check(self, ctx: Context, number: int, cells: list, index, labels) -> Checked:
        def cell(key):
            i = index.get(key)
            return cells[i] if i is not None and i < len(cells) else None

        result = Checked(number)
        issues = result.issues
        name = cell_text(cell("name"))
        if not name:
            issues.append((labels["name"], _("The name is missing.")))
        elif len(name) > 50:
            issues.append((labels["name"], _("The name is longer than 50 characters.")))
        id_info, id_number = None, ""
        raw_id = cell("id_number")
        if is_number(raw_id):
            issues.append(
                (
                    labels["id_number"],
                    _(
                        "Excel turned this ID into a number and lost its last digits. Format the "
                        "column as text in Excel, type the IDs again or export them as text, then "
                        "upload the file again."
                    ),
                )
            )
        elif raw_id:
            id_number = normalise_id_number(raw_id)
            try:
                id_info = parse_id_number(id_number, today=ctx.today)
            except IdentityError as exc:
                issues.append((labels["id_number"], str(exc.reason)))
        phone = normalise_phone(cell_text(cell("phone")))
        if phone:
            try:
                check_mobile(phone)
            except IdentityError as exc:
                issues.append((labels["phone"], str(exc.reason)))
        gender = self._gender(cell("gender"), id_info, labels, issues)
        birth_date = self._birth_date(cell("birth_date"), id_info, ctx, labels, issues)
        org_id = self._org(cell("org"), ctx, labels, issues)
        form = self._form(cell("employment_form"), labels, issues)
        joined_on = None
        try:
            joined_on = cell_date(cell("joined_on"), today=ctx.today)
        except IdentityError as exc:
            issues.append((labels["joined_on"], str(exc.reason)))
        employer = cell_text(cell("employer"))[:100]
        if issues:
            return result
        ring = ctx.ring
        id_index = blind_index("id_number", id_number, ring) if id_number else None
        result.key = id_index
        full, initials = pinyin_keys(name)
        result.record = (
            number,
            org_id,
            name,
            full[:200],
            initials[:50],
            gender,
            birth_date,
            encrypt("id_number", id_number, ring) if id_number else None,
            id_index,
            mask_id_number(id_number),
            encrypt("phone", phone, ring) if phone else None,
            blind_index("phone", phone, ring) if phone else None,
            mask_phone(phone),
            phone[-4:],
            employer,
            form,
            MembershipStatus.MEMBER if joined_on else MembershipStatus.NONE,
            joined_on,
        )
        return result

    @staticmethod
    def _gender(raw, id_info, labels, issues) -> str:
        text = cell_text(raw).lower()
        given = GENDER_WORDS.get(text, "") if text else ""
        if text and not given:
            issues.append((labels["gender"], _("Write 男 or 女.")))
        if id_info:
            if given and given != id_info.gender:
                issues.append((labels["gender"], _("The gender does not match the resident ID.")))
            return id_info.gender
        return given

    @staticmethod
    def _birth_date(raw, id_info, ctx, labels, issues):
        try:
            given = cell_date(raw, today=ctx.today)
        except IdentityError as exc:
            issues.append((labels["birth_date"], str(exc.reason)))
            return None
        if id_info:
            if given and given != id_info.birth_date:
                issues.append(
                    (labels["birth_date"], _("The birth date does not match the resident ID."))
                )
            return id_info.birth_date
        return given

    @staticmethod
    def _org(raw, ctx, labels, issues) -> int:
        text = cell_text(raw)
        if not text:
            return ctx.default_org_id
        org_id = ctx.orgs.get(text, ctx.orgs.get(text.lower()))
        if org_id is None:
            issues.append(
                (
                    labels["org"],
                    _(
                        "“%(org)s” is not a union within your organisation; a worker can only be "
                        "placed in your own subtree."
                    )
                    % {"org": text},
                )
            )
        elif org_id == AMBIGUOUS:
            issues.append(
                (
                    labels["org"],
                    _("Several unions are called “%(org)s”; write its code instead.")
                    % {"org": text},
                )
            )
        return org_id or ctx.default_org_id

    @staticmethod
    def _form(raw, labels, issues) -> str:
        text = normalise_text(cell_text(raw)).replace(" ", "").lower()
        if not text:
            return EmploymentForm.EMPLOYEE
        form = FORM_BY_WORD.get(text)
        if form is None:
            issues.append(
                (
                    labels["employment_form"],
                    _("Unknown employment form; use one of: %(forms)s.")
                    % {"forms": "、".join(str(f.label) for f in EmploymentForm)},
                )
            )
            return EmploymentForm.EMPLOYEE
        return form

    def check_against_register(self, job, scope, checked) -> int:
        keys = {c.key: c for c in checked if c.key and not c.issues}
        if not keys:
            return 0
        existing = 0
        matches = Worker.objects.filter(id_number_index__in=list(keys)).values_list(
            "id_number_index", "org__path"
        )
        for key, org_path in matches:
            if any(grant.covers(org_path) for grant in scope.grants):
                existing += 1
                continue
            result = keys[key]
            result.record = None
            result.issues.append(
                (
                    str(self.duplicate_column),
                    _(
                        "This person is already in the register of a union outside your "
                        "organisation; ask that union or your parent union to transfer them."
                    ),
                )
            )
        return existing

    def stage(self, job, records) -> None:
        copy_rows(WorkerImportRow._meta.db_table, STAGE_COLUMNS, [(job.pk, *r) for r in records])

    def discard(self, job) -> None:
        WorkerImportRow.objects.filter(job_id=job.pk).delete()

    def commit(self, job, scope, *, existing: str) -> dict[str, int]:
        names = WorkerImportRow.objects.filter(job_id=job.pk).exclude(employer_name="")
        employers_ensure(names=set(names.values_list("employer_name", flat=True).distinct()))
        updated = _update_existing(job) if existing == "update" else 0
        return {"created": _insert_new(job), "updated": updated}


def _employer_join() -> str:
    # By name: an employer entered once with its credit code is the same employer.
    return (
        "LEFT JOIN (SELECT name, MIN(id) AS id FROM members_employer GROUP BY name) e "
        "ON e.name = s.employer_name"
    )


def _insert_new(job) -> int:
    now = timezone.now()
    columns = ", ".join(WORKER_COLUMNS)
    selected = ", ".join(f"s.{c}" for c in WORKER_COLUMNS)
    sql = (
        f"INSERT INTO members_worker ({columns}, employer_id, left_reason, created_at, updated_at) "
        f"SELECT {selected}, e.id, '', %s, %s FROM members_workerimportrow s {_employer_join()} "
        "WHERE s.job_id = %s AND (s.id_number_index IS NULL OR NOT EXISTS ("
        "SELECT 1 FROM members_worker w WHERE w.id_number_index = s.id_number_index))"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, now, job.pk])
        return cursor.rowcount


def _update_existing(job) -> int:
    """Overwrite the register's values with the file's for people already there (same ID).

    An empty cell keeps the register's value; membership only ever moves to "member" here."""
    sets = [
        f"{column} = s.{column}"
        for column in WORKER_COLUMNS
        if column not in PHONE_COLUMNS and column not in {"membership_status", "joined_on"}
    ]
    sets += [
        f"{column} = CASE WHEN s.phone_index IS NULL THEN members_worker.{column} "
        f"ELSE s.{column} END"
        for column in PHONE_COLUMNS
    ]
    sets += [
        "joined_on = COALESCE(s.joined_on, members_worker.joined_on)",
        "membership_status = CASE WHEN s.joined_on IS NOT NULL THEN s.membership_status "
        "ELSE members_worker.membership_status END",
    ]
    sets += ["employer_id = COALESCE(e.id, members_worker.employer_id)", "updated_at = %s"]
    sql = (
        f"UPDATE members_worker SET {', '.join(sets)} "
        f"FROM members_workerimportrow s {_employer_join()} "
        "WHERE s.job_id = %s AND s.id_number_index IS NOT NULL "
        "AND s.id_number_index = members_worker.id_number_index"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [timezone.now(), job.pk])
        return cursor.rowcount


register_import(WorkerImport())
