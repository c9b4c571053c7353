"""Records of the workers register in a victim org, for the route walk in
core/tests/test_scope_routes.py: a worker with a resident ID and a phone, a checked import
with a rejected row, a membership application it handles and a routing rule it keeps."""

import tempfile
from pathlib import Path

from gonghui.core.identity import id_check_digit
from gonghui.core.imports import pipeline
from gonghui.core.imports.services import import_start
from gonghui.core.imports.testing import write_xlsx
from gonghui.members.services import application_submit, routing_rule_create, worker_create
from gonghui.orgs.models import Org

VICTIM_ID = "110102198803150417"[:17]
VICTIM_ID += id_check_digit(VICTIM_ID)
IMPORTED_ID = "110102199106080022"[:17]
IMPORTED_ID += id_check_digit(IMPORTED_ID)
APPLICANT_ID = "110102199305050051"[:17]
APPLICANT_ID += id_check_digit(APPLICANT_ID)


def make_samples(world, org) -> None:
    scope = world.scope("xinjiekou_admin")
    worker_create(
        scope=scope,
        org=org,
        name="赵小红",
        id_number=VICTIM_ID,
        phone="13911112222",
        employer_name="顺丰速运",
        employment_form="courier",
        groups=["outdoor"],
        joined_on=None,
    )
    rows = [
        ["姓名", "身份证号码", "手机号码", "用工形式"],
        ["钱多多", IMPORTED_ID, "13922223333", "外卖员"],
        ["孙不对", "110102199106080000", "12345", "外卖员"],
    ]
    with tempfile.TemporaryDirectory() as folder:
        path = write_xlsx(Path(folder) / "新街口职工.xlsx", rows)
        with path.open("rb") as handle:
            job = import_start(
                scope=scope,
                kind="workers",
                org=org,
                upload=handle,
                file_name=path.name,
                enqueue=False,
            )
    pipeline.validate_job(job.pk)
    routing_rule_create(
        scope=scope,
        org=org,
        place=org,
        industry="express",
        target=Org.objects.get_children(org).get(kind="grassroots"),
        note="新街口的快递员由联合工会受理",
    )
    application_submit(
        phone="13933334444",
        name="周小快",
        id_number=APPLICANT_ID,
        employment_form="rider",
        industry="food_delivery",
        employer_name="新街口某餐饮店",
        work_place=org,
        not_notify_employer=True,
        consent=True,
    )
