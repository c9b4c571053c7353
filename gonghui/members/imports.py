"""Importing workers from the spreadsheets other systems export (issue: workers register).

``check_rows`` is the hot path of a million-row import: it runs in worker processes, touches
no database, and does only what each row needs (DESIGN "known costs": the hand checksum,
a regex for mobiles, AES-GCM and HMAC, pinyin cached by name).
"""

from __future__ import annotations

import logging
import time
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from datetime import date, datetime

from django.conf import settings
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
    parse_id_number,
)
from gonghui.core.imports.cells import cell_date, cell_text, is_number
from gonghui.core.imports.columns import Column
from gonghui.core.imports.db import copy_rows, copy_text, copy_text_value, indexes_rebuilt
from gonghui.core.imports.spec import Checked, ImportSpec, register_import
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.pinyin import pinyin_keys
from gonghui.members.models import Employer, EmploymentForm, MembershipStatus, WorkerImportRow
from gonghui.members.services.employers import employers_ensure
from gonghui.orgs.models import OrgStatus

logger = logging.getLogger(__name__)

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
    EmploymentForm.EMPLOYEE: "劳动合同职工 劳动合同 合同制 正式 正式员工 正式职工 在编 全日制 "
    "职工 员工 聘用 合同工 employee",
    EmploymentForm.DISPATCHED: "劳务派遣工 劳务派遣 派遣 派遣工 dispatched",
    EmploymentForm.COURIER: "快递员 快递 快递小哥 快递配送 courier",
    EmploymentForm.RIDER: "外卖员 外卖骑手 骑手 外卖 外卖配送员 配送员 rider",
    EmploymentForm.RIDE_HAIL: "网约车司机 网约车 网约车驾驶员 ride_hail",
    EmploymentForm.TRUCKER: "货车司机 货车 卡车司机 货运司机 trucker",
    EmploymentForm.GIG_OTHER: "其他灵活就业 灵活就业 新就业形态 其他 零工 平台用工 非全日制 "
    "gig_other",
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
DIRECT_COLUMNS = (*WORKER_COLUMNS, "left_reason", "created_at", "updated_at", "employer_id")
NULL = "\\N"


@dataclass
class Context:
    default_org_id: int
    orgs: dict[str, int]  # code, name and short name of every active org in scope
    scope_paths: tuple[str, ...]  # the importer's subtrees, for people already registered
    today: date
    ring: Keyring
    direct_now: datetime | None = None  # a direct load: check_rows also writes COPY lines
    direct_now_text: str = ""  # direct_now as COPY writes it
    # A direct load bigger than the register (which it locks): who is in the register,
    # read before the load began (blind index -> org path), for the register check
    registered: dict[str, str] | None = None
    big_load: bool = False


def _pick(cells: list, positions: list[int | None], width: int) -> list:
    """The row's cells in the order of COLUMNS, None for a column the file lacks."""
    if len(cells) < width:
        cells = [*cells, *([None] * (width - len(cells)))]
    return [cells[p] if p is not None else None for p in positions]


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


_employer_names: dict[str, str] = {}


def _employer_name(raw) -> str:
    """The employer a cell names, remembered per text: a file of a million workers names a
    few thousand employers."""
    if type(raw) is not str:
        return cell_text(raw)[:100]
    name = _employer_names.get(raw)
    if name is None:
        name = cell_text(raw)[:100]
        if len(_employer_names) < 100_000:
            _employer_names[raw] = name
    return name


class WorkerImport(ImportSpec):
    kind = "workers"
    title = gettext_lazy("Workers")
    columns = COLUMNS
    duplicate_column = gettext_lazy("Resident ID number")
    register_url_name = "members:list"

    def prepare(self, job, scope) -> Context:
        paths = tuple(grant.org_path for grant in scope.grants)
        return Context(job.org_id, _org_lookup(scope), paths, timezone.localdate(), keyring())

    def check_rows(self, context: Context, rows, index) -> list[Checked]:
        labels = {c.key: str(c.label) for c in COLUMNS}
        positions = [index.get(c.key) for c in COLUMNS]  # the order of COLUMNS
        width = max((p for p in positions if p is not None), default=0) + 1
        return [
            self._check(context, number, _pick(cells, positions, width), labels)
            for number, cells in rows
        ]

    def _check(self, ctx: Context, number: int, cells: list, labels) -> Checked:
        (
            raw_name,
            raw_id,
            raw_phone,
            raw_employer,
            raw_org,
            raw_form,
            raw_gender,
            raw_birth,
            raw_joined,
        ) = cells
        result = Checked(number)
        issues = result.issues
        name = cell_text(raw_name)
        if not name:
            issues.append((labels["name"], _("The name is missing.")))
        elif len(name) > 50:
            issues.append((labels["name"], _("The name is longer than 50 characters.")))
        id_info, id_number = None, ""
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
        phone = normalise_phone(cell_text(raw_phone)) if raw_phone else ""
        if phone:
            try:
                check_mobile(phone)
            except IdentityError as exc:
                issues.append((labels["phone"], str(exc.reason)))
        gender = self._gender(raw_gender, id_info, labels, issues)
        birth_date = self._birth_date(raw_birth, id_info, ctx, labels, issues)
        org_id = self._org(raw_org, ctx, labels, issues)
        form = self._form(raw_form, labels, issues)
        joined_on = None
        if raw_joined:
            try:
                joined_on = cell_date(raw_joined, today=ctx.today)
            except IdentityError as exc:
                issues.append((labels["joined_on"], str(exc.reason)))
        if issues:
            return result
        employer = _employer_name(raw_employer) if raw_employer else ""
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
        if ctx.direct_now is not None:
            result.line = copy_line(result.record, ctx.direct_now_text)
        return result

    @staticmethod
    def _gender(raw, id_info, labels, issues) -> str:
        text = cell_text(raw).lower() if raw else ""
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
        if not raw:
            return id_info.birth_date if id_info else None
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
        if not raw:
            return ctx.default_org_id
        org_id = ctx.orgs.get(raw)  # as typed: most files name the union exactly
        if org_id is not None and org_id != AMBIGUOUS:
            return org_id
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
        if not raw:
            return EmploymentForm.EMPLOYEE
        form = FORM_BY_WORD.get(raw)  # as typed, the usual case
        if form is not None:
            return form
        text = cell_text(raw).replace(" ", "").lower()
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

    def check_against_register(self, context: Context, checked, lookup=None) -> int:
        """Mark rows whose person the register holds: in the importer's subtree they are
        "existing" (updated or skipped), elsewhere refused. ``lookup(keys)`` gives
        (key, org path) pairs; by default the register is asked."""
        keys = {c.key: c for c in checked if c.key and not c.issues}
        if not keys:
            return 0
        if lookup is None and context.registered is not None:
            known = context.registered
            lookup = lambda keys: [(k, known[k]) for k in keys if k in known]  # noqa: E731
        existing = 0
        for key, org_path in (lookup or _registered)(list(keys)):
            if org_path.startswith(context.scope_paths):
                existing += 1
                keys[key].existing = True
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

    def prepare_direct(self, context: Context, *, expected_rows: int) -> Context:
        now = timezone.now()
        big = _rebuild_indexes(expected_rows)
        # A big load meets a small register: read who is in it once, now, rather than ask
        # the growing table (with its statistics from before the load) for every chunk; and
        # the load's transaction will hold the table locked from the checking processes.
        # Anyone registered between this read and the load is refused by the unique index.
        return replace(
            context,
            direct_now=now,
            direct_now_text=now.isoformat(),
            big_load=big,
            registered=dict(_registered(None)) if big else None,
        )

    def direct_payload(self, context: Context, checked) -> tuple[list, list]:
        """(new, old): (index, COPY line, employer name, record) of good rows new to the
        register, the record only where there are no COPY lines (SQLite); (index, record)
        of good rows whose person the register holds."""
        lines = connection.vendor == "postgresql"
        new, old = [], []
        for i, c in enumerate(checked):
            if c.issues or c.record is None:
                continue
            if c.existing:
                old.append((i, c.record))
            else:
                new.append((i, c.line, c.record[14], None if lines else c.record))
        return new, old

    def direct_loader(self, job, scope, *, context: Context, existing: str, expected_rows: int):
        return WorkerDirectLoad(job, existing=existing, big=context.big_load)

    def stage(self, job_id: int, records) -> None:
        copy_rows(WorkerImportRow._meta.db_table, STAGE_COLUMNS, [(job_id, *r) for r in records])

    def unstage(self, job_id: int, rows: list[int]) -> None:
        for start in range(0, len(rows), 5000):
            WorkerImportRow.objects.filter(
                job_id=job_id, row__in=rows[start : start + 5000]
            ).delete()

    def discard(self, job) -> None:
        WorkerImportRow.objects.filter(job_id=job.pk).delete()

    def commit(self, job, scope, *, existing: str) -> dict[str, int]:
        with _timed(job, "employers"):
            names = WorkerImportRow.objects.filter(job_id=job.pk).exclude(employer_name="")
            employers_ensure(names=set(names.values_list("employer_name", flat=True).distinct()))
        # the check counted people already registered: with none, there is nothing to update
        has_existing = job.counts.get("existing", 0) > 0
        with _timed(job, "update"):
            updated = _update_existing(job) if existing == "update" and has_existing else 0
        staged = job.counts.get("valid", 0) - job.counts.get("existing", 0)
        rebuild = _rebuild_indexes(staged)
        with _timed(job, "insert and index rebuild" if rebuild else "insert"):
            with indexes_rebuilt("members_worker") if rebuild else nullcontext():
                created = _insert_new(job)
        big = created >= settings.IMPORT_REBUILD_INDEXES_MIN_ROWS
        if big and connection.vendor == "postgresql":
            with _timed(job, "analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE members_worker")  # fresh statistics for search plans
        return {"created": created, "updated": updated}


class WorkerDirectLoad:
    """``import_workers --commit``: checked rows COPYed straight into the register inside
    the import's transaction; people already registered are staged for one UPDATE at the
    end (or skipped). A load bigger than the register builds its indexes and constraints
    once at the end (core.imports.db.indexes_rebuilt)."""

    def __init__(self, job, *, existing: str, big: bool) -> None:
        self.job, self.existing = job, existing
        self.created, self.to_update = 0, 0
        self.employers: dict[str, int] = {}
        self.now = timezone.now()
        self.big = big
        # the unique ID index too: nothing looks rows up by it during the load (the register
        # check reads the snapshot prepare_direct took, repeats within the file are the
        # tally's), and building it once at the end refuses a person registered meanwhile
        # just as well, rolling the whole load back
        self.indexes = indexes_rebuilt("members_worker") if self.big else None
        if self.indexes is not None:
            self.indexes.__enter__()

    def load(self, payload: tuple[list, list], leave_out: set[int]) -> None:
        new, old = payload
        if leave_out:
            new = [n for n in new if n[0] not in leave_out]
            old = [o for o in old if o[0] not in leave_out]
        old = [record for _i, record in old] if self.existing == "update" else []
        self._employer_ids({n[2] for n in new} | {r[14] for r in old})
        employers = self.employers
        if connection.vendor == "postgresql":  # lines formatted by the worker processes
            text = "".join([f"{line}{employers.get(name, NULL)}\n" for _i, line, name, _r in new])
            copy_text("members_worker", DIRECT_COLUMNS, text)
        else:
            rows = [
                (*r[1:14], r[15], r[16], r[17], "", self.now, self.now, employers.get(r[14]))
                for r in (n[3] for n in new)
            ]
            copy_rows("members_worker", DIRECT_COLUMNS, rows)
        self.created += len(new)
        if old:
            self.stage_updates(old)

    def stage_updates(self, records) -> None:
        copy_rows(
            WorkerImportRow._meta.db_table, STAGE_COLUMNS, [(self.job.pk, *r) for r in records]
        )
        self.to_update += len(records)

    def _employer_ids(self, names: set[str]) -> None:
        missing = {n for n in names if n and n not in self.employers}
        if not missing:
            return
        employers_ensure(names=missing)
        found = Employer.objects.filter(name__in=missing).order_by("-pk")
        self.employers.update(found.values_list("name", "pk"))  # the oldest pk wins

    def finish(self) -> dict[str, int]:
        with _timed(self.job, "update"):
            updated = _update_existing(self.job) if self.to_update else 0
            WorkerImportRow.objects.filter(job_id=self.job.pk).delete()
        if self.indexes is not None:
            with _timed(self.job, "index rebuild"):
                self.indexes.__exit__(None, None, None)
            with _timed(self.job, "analyze"), connection.cursor() as cursor:
                cursor.execute("ANALYZE members_worker")
        return {"created": self.created, "updated": updated}


def copy_line(record: tuple, now: str) -> str:
    """A checked record as a COPY text line of DIRECT_COLUMNS but the last (employer_id,
    which the loader adds), as core.imports.db.copy_line writes it; spelled out column by
    column because it runs for every row. Only the name and its pinyin can hold characters
    COPY must escape; the other columns are digits, masks, hex, dates or choices."""
    (
        _row,
        org_id,
        name,
        full,
        initials,
        gender,
        birth_date,
        id_enc,
        id_index,
        id_masked,
        phone_enc,
        phone_index,
        phone_masked,
        phone_tail,
        _employer,
        form,
        status,
        joined_on,
    ) = record
    return "\t".join(
        (
            str(org_id),
            copy_text_value(name),
            copy_text_value(full),
            copy_text_value(initials),
            gender,
            birth_date.isoformat() if birth_date is not None else NULL,
            "\\\\x" + id_enc.hex() if id_enc is not None else NULL,
            id_index if id_index is not None else NULL,
            id_masked,
            "\\\\x" + phone_enc.hex() if phone_enc is not None else NULL,
            phone_index if phone_index is not None else NULL,
            phone_masked,
            phone_tail,
            form,
            status,
            joined_on.isoformat() if joined_on is not None else NULL,
            "",
            now,
            now,
            "",
        )
    )


@contextmanager
def _timed(job, step: str):
    """Log how long each step of a commit takes (where a big import spends its time)."""
    started = time.monotonic()
    yield
    logger.info("import %s: %s took %.1f s", job.pk, step, time.monotonic() - started)


def _rebuild_indexes(new_rows: int) -> bool:
    """A big import into a register no bigger than itself (a district's first load) builds
    the indexes afterwards; the register is locked for that commit (core.imports.db)."""
    if connection.vendor != "postgresql" or new_rows < settings.IMPORT_REBUILD_INDEXES_MIN_ROWS:
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT reltuples FROM pg_class WHERE oid = 'members_worker'::regclass")
        estimate = cursor.fetchone()[0]
    return new_rows >= max(estimate, 0)


def _registered(keys: list[str] | None) -> list[tuple[str, str]]:
    """(blind index, org path) of workers already in the register with these IDs (None:
    everyone in the register with an ID)."""
    sql = (
        "SELECT w.id_number_index, o.path FROM members_worker w "
        "JOIN orgs_org o ON o.id = w.org_id WHERE w.id_number_index "
    )
    with connection.cursor() as cursor:
        if keys is None:
            cursor.execute(sql + "IS NOT NULL")
        elif connection.vendor == "postgresql":  # one array parameter, not thousands of %s
            cursor.execute(sql + "= ANY(%s)", [keys])
        else:
            cursor.execute(sql + f"IN ({', '.join(['%s'] * len(keys))})", keys)
        return cursor.fetchall()


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
