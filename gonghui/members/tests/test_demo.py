"""The demo workers and the sample spreadsheet new users try the import on."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from gonghui.core.imports.testing import write_xlsx
from gonghui.members.demo import SAMPLE, load, sample_rows
from gonghui.members.models import GIG_FORMS, MembershipApplication, Worker
from gonghui.orgs.models import Org


def test_the_committed_sample_is_the_generated_one(tmp_path):
    from python_calamine import CalamineWorkbook

    fresh = write_xlsx(tmp_path / "s.xlsx", sample_rows())
    read = [
        CalamineWorkbook.from_path(str(p)).get_sheet_by_index(0).to_python()
        for p in (SAMPLE, fresh)
    ]
    assert read[0] == read[1]


def test_the_sample_has_exactly_the_six_documented_errors(world):
    out = StringIO()
    call_command("import_workers", str(SAMPLE), org="bj-dc-lt", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert "正确 24 行，未通过 6 行" in text
    for row in (5, 9, 12, 16, 20, 24):
        assert f"第 {row} 行" in text, text


def test_demo_workers_and_applications_load_once(db):
    call_command("load_demo", grassroots=5, stdout=StringIO())
    count = Worker.objects.count()
    assert count > 100 and Worker.objects.filter(employment_form="rider").exists()
    # a few hundred applications of gig workers in the three districts, some overdue
    apps = MembershipApplication.objects.all()
    assert apps.count() >= 300
    districts = [o.path for o in Org.objects.filter(code__in=["bj-dc", "bj-xc", "bj-cy"])]
    places = set(apps.values_list("work_place__path", flat=True))
    assert all(any(place.startswith(d) for d in districts) for place in places)
    assert apps.filter(employment_form__in=GIG_FORMS).count() > 0.9 * apps.count()
    assert apps.filter(status="pending", due_on__lt=timezone.localdate()).count() >= 10
    assert apps.filter(status="accepted").count() >= 100
    assert load(progress=lambda line: None).endswith("already there")
    assert Worker.objects.count() == count and MembershipApplication.objects.count() == apps.count()
