import uuid

from django.db import connection
from django.test.utils import CaptureQueriesContext

from gonghui.care.tests.factories import hand_out, make_care
from gonghui.care.tests.test_hardship import grant, open_case
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import add_worker, add_zhang


def test_hand_out_list_and_figures_keep_their_query_counts(world, login):
    care = make_care(world, kits=30)
    for n in range(12):
        worker = add_worker(world, "bj-dc-lt", f"职工{n}", phone=f"1390000{n:04d}")
        hand_out(world, care.campaign_sites[n % 2], worker)
    client = login("longtan_officer")
    for url, limit in (("/care/hand-outs/", 12), ("/care/", 16), ("/api/v1/care/figures", 12)):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= limit, (url, len(queries))


def test_the_scan_page_hands_out_and_a_resent_form_does_not_hand_out_twice(world, login):
    care, zhang = make_care(world), add_zhang(world)
    client = login("longtan_officer")
    url = f"/care/campaigns/{care.campaign.pk}/sites/{care.campaign_sites[0].pk}/scan/"
    form = {"code": "13812345678", "request_id": str(uuid.uuid4())}
    first = client.post(url, form, headers={"HX-Request": "true"})
    again = client.post(url, form, headers={"HX-Request": "true"})
    assert "已发放" in first.content.decode() and "重复提交" in again.content.decode()
    assert care.campaign.distributions.filter(worker=zhang).count() == 1


def test_an_outsider_gets_404_on_the_scan_page(world, login):
    care = make_care(world)
    client = login("xinjiekou_officer")
    url = f"/care/campaigns/{care.campaign.pk}/sites/{care.campaign_sites[0].pk}/"
    assert client.get(url).status_code == 404


def test_an_admin_without_the_grant_sees_no_hardship_file(world, login):
    grant(world, "longtan_officer", "bj-dc-lt")
    case = open_case(world, add_zhang(world))
    admin = login("longtan_admin")
    assert admin.get("/care/hardship/").status_code == 403
    assert admin.get(f"/care/hardship/{case.pk}/").status_code == 404
    assert 'data-figure="hardship"' not in admin.get("/").content.decode()
    officer = login("longtan_officer")
    assert officer.get(f"/care/hardship/{case.pk}/").status_code == 200
    assert 'data-figure="hardship"' in officer.get("/").content.decode()
    assert AuditEvent.objects.filter(action="hardship.view", object_id=str(case.pk)).count() == 1
