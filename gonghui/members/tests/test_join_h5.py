"""The worker's side of joining online (H5): apply, follow the status, see the e-card."""

import re

from django.test import Client

from gonghui.core.sms import MemorySender
from gonghui.members.models import MembershipApplication
from gonghui.members.services import application_accept, application_decline
from gonghui.members.tests.factories import WANG_ID, WANG_PHONE, add_worker, apply


def signed_in(phone: str = WANG_PHONE) -> Client:
    client = Client()
    client.post("/h5/sign-in/", {"phone": phone})
    code = re.search(r"\d{6}", MemorySender.outbox[-1].text).group()
    client.post("/h5/sign-in/", {"phone": phone, "code": code})
    return client


def form_data(world, **overrides) -> dict:
    return {
        "name": "王小明",
        "id_number": WANG_ID,
        "employment_form": "rider",
        "employer_name": "美团",
        "industry": "food_delivery",
        "district": world.orgs["bj-xc"].pk,
        "work_place": world.orgs["bj-xc-xjk"].pk,
        "consent": "on",
        **overrides,
    }


def text(response) -> str:
    return response.content.decode()


def test_applying_then_following_the_status(world):
    client = signed_in()
    page = text(client.get("/h5/join/"))
    assert "西城区" in page and "139****5678" in page and WANG_PHONE not in page
    response = client.post("/h5/join/", form_data(world))
    assert response.status_code == 302 and response.url == "/h5/join/status/"
    app = MembershipApplication.objects.get()
    from gonghui.core.models import AuditEvent

    assert AuditEvent.objects.get(action="membership_application.submit").via == "h5"
    status = text(client.get("/h5/join/status/"))
    assert "新街口街道总工会" in status and app.due_on.strftime("%Y-%m-%d") in status
    assert "待办理" in status or "办理中" in status


def test_the_form_shows_each_problem_in_chinese_and_keeps_what_was_typed(world):
    client = signed_in()
    page = text(client.post("/h5/join/", form_data(world, id_number="11010119950412031X",
                                                    consent="")))  # fmt: skip
    assert "校验位" in page and "同意" in page and 'value="王小明"' in page
    assert not MembershipApplication.objects.exists()


def test_the_streets_follow_the_district(world):
    client = signed_in()
    options = text(client.get("/h5/join/streets/", {"district": world.orgs["bj-dc"].pk}))
    assert "龙潭街道" in options and "新街口" not in options
    assert "东城区" in options  # "elsewhere in 东城区, or not sure"


def test_employer_names_are_suggested(world):
    from gonghui.members.services import employer_alias_add
    from gonghui.members.tests.factories import employer_with_union

    employer = employer_with_union(world, name="北京三快科技有限公司")
    employer_alias_add(scope=world.scope("xinjiekou_officer"), employer=employer, alias="美团")
    options = text(signed_in().get("/h5/join/employers/", {"employer_name": "美"}))
    assert 'value="美团"' in options


def test_a_declined_applicant_reads_the_reason(world):
    app = apply(world)
    application_decline(scope=world.scope("xinjiekou_officer"), application=app,
                        reason="请到工作所在街道申请")  # fmt: skip
    assert "请到工作所在街道申请" in text(signed_in().get("/h5/join/status/"))


def test_once_accepted_the_member_sees_the_e_card_with_number_and_qr(world):
    app = apply(world)
    client = signed_in()  # signed in before being in the register
    application_accept(scope=world.scope("xinjiekou_officer"), application=app)
    status = text(client.get("/h5/join/status/"))
    assert "BJ-XC-XJK-000001" in status
    card = text(client.get("/h5/me/card/"))
    assert "BJ-XC-XJK-000001" in card and "新街口街道总工会" in card
    assert "<svg" in text(client.get("/h5/me/qr/"))
    # and the join page now sends a member to the card
    assert client.get("/h5/join/").url == "/h5/me/card/"


def test_a_registered_non_member_finds_the_form_filled_in(world):
    add_worker(world, "bj-dc-lt", "王小明", phone=WANG_PHONE, employer_name="顺丰速运",
               employment_form="courier")  # fmt: skip
    page = text(signed_in().get("/h5/join/"))
    assert 'value="王小明"' in page and 'value="顺丰速运"' in page


def test_staff_and_strangers_are_sent_to_the_workers_sign_in(world, login):
    for client in (Client(), login("xinjiekou_officer")):
        for url in ("/h5/join/", "/h5/join/status/", "/h5/me/card/", "/h5/join/streets/"):
            response = client.get(url)
            assert response.status_code == 302 and response.url.startswith("/h5/sign-in/")
