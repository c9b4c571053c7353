"""A big one-pass import as it really runs: the sheet cut into pieces that worker processes
read and check, the register locked by the load, duplicates and bad rows found across
pieces, the errors workbook still holding every rejected row's original cells.
PostgreSQL (worker processes need a database they can reach)."""

from io import StringIO

import pytest
from django.core.management import call_command
from python_calamine import CalamineWorkbook

from gonghui.core.identity import id_check_digit
from gonghui.core.imports import pieces, pipeline
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.models import ImportIssue, ImportJob, ImportState
from gonghui.members.models import Worker
from gonghui.members.services import worker_create

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
HEADER = ["姓名", "身份证号码", "手机号码"]


def an_id(n: int) -> str:
    first17 = f"110101{1960 + n % 40}0101{n % 1000:03d}"
    first17 = f"11{n // 1000:04d}{first17[6:]}"
    return first17 + id_check_digit(first17)


@pytest.fixture
def big(settings, monkeypatch):
    settings.IMPORT_PARALLEL_MIN_ROWS = 100
    settings.IMPORT_REBUILD_INDEXES_MIN_ROWS = 100
    monkeypatch.setattr(pieces, "SPLIT_MIN_BYTES", 0)
    monkeypatch.setattr(pieces, "PIECE_BYTES", 20_000)


@pytest.mark.parametrize("already", [0, 1])
def test_a_big_import_checked_in_pieces_by_worker_processes(world, tmp_path, big, already):
    # given: 1,500 people, the 1,200th twice, the 700th with a bad phone; and maybe the 5th
    # already in the register
    rows = [[f"职工{n}", an_id(n), f"139{n:08d}"] for n in range(1500)]
    rows[700][2] = "12345"
    rows.append(["又一个", an_id(1200), "13900000000"])
    if already:
        worker_create(
            scope=world.scope("longtan_officer"),
            org=world.org("bj-dc-lt"),
            name="老职工",
            id_number=an_id(5),
        )
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, *rows])
    # when
    call_command(
        "import_workers",
        str(path),
        org="bj-dc-lt",
        commit=True,
        only_good=True,
        stdout=StringIO(),
        stderr=StringIO(),
    )
    # then
    job = ImportJob.objects.get()
    assert job.state == ImportState.COMMITTED
    assert job.counts["rejected"] == 2 and job.counts["updated"] == already
    assert Worker.objects.count() == 1499
    assert not Worker.objects.filter(name="老职工").exists()  # updated from the file, if there
    reasons = dict(ImportIssue.objects.values_list("row", "reason"))
    assert set(reasons) == {702, 1502} and "第 1202 行" in reasons[1502]
    sheet = CalamineWorkbook.from_path(str(pipeline.errors_path(job))).get_sheet_by_index(0)
    written = sheet.to_python()
    assert [row[2:5] for row in written[1:]] == [rows[700], rows[1500]]  # after 行号, 原因


def test_a_person_registered_while_a_big_load_runs_rolls_it_back(world, tmp_path, big, monkeypatch):
    # given: someone registers the 10th person of the file after the load read the register
    from django.core.management.base import CommandError

    from gonghui.members.imports import WorkerImport

    prepare = WorkerImport.prepare_direct

    def prepare_then_register(self, context, **kwargs):
        prepared = prepare(self, context, **kwargs)
        worker_create(
            scope=world.scope("longtan_officer"),
            org=world.org("bj-dc-lt"),
            name="别人",
            id_number=an_id(10),
        )
        return prepared

    monkeypatch.setattr(WorkerImport, "prepare_direct", prepare_then_register)
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, *([f"职工{n}", an_id(n)] for n in range(500))])
    # when / then: the unique index built at the end refuses the load as a whole
    with pytest.raises(CommandError):
        call_command("import_workers", str(path), org="bj-dc-lt", commit=True, stderr=StringIO())
    assert list(Worker.objects.values_list("name", flat=True)) == ["别人"]
    assert ImportJob.objects.get().state == ImportState.FAILED


def test_a_big_two_step_import_checked_in_pieces_by_worker_processes(
    world, tmp_path, big, monkeypatch
):
    from gonghui.core.imports.services import import_start

    # a large shared-strings table: the worker processes write the strings into the pieces
    monkeypatch.setattr(pieces, "MAX_SHARED_STRINGS_BYTES", 1000)

    rows = [[f"职工{n}", an_id(n), f"139{n:08d}"] for n in range(1500)]
    rows[300][1] = an_id(299)  # the same person as the row before
    path = write_xlsx(tmp_path / "w.xlsx", [HEADER, *rows])
    with path.open("rb") as handle:
        job = import_start(
            scope=world.scope("longtan_officer"),
            kind="workers",
            org=world.org("bj-dc-lt"),
            upload=handle,
            file_name="w.xlsx",
            enqueue=False,
        )
    job = pipeline.validate_job(job.pk)
    assert job.counts["valid"] == 1499 and job.counts["rejected"] == 1
    assert list(ImportIssue.objects.values_list("row", flat=True)) == [302]
    sheet = CalamineWorkbook.from_path(str(pipeline.errors_path(job))).get_sheet_by_index(0)
    assert sheet.to_python()[1][2:5] == rows[300]
    job.only_good = True
    job.save()
    job = pipeline.commit_job(job.pk)
    assert job.counts["created"] == 1499 and Worker.objects.count() == 1499
