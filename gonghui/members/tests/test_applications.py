"""Applying, duplicates, passing on and deciding (services/applications.py)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.core.sms import MemorySender
from gonghui.members.models import (
    ApplicationEvent,
    ApplicationStatus,
    MembershipApplication,
    MembershipStatus,
    Worker,
)
from gonghui.members.services import (
    application_accept,
    application_decline,
    application_pass_on,
)
from gonghui.members.tests.factories import (
    WANG_ID,
    WANG_PHONE,
    add_worker,
    an_id,
    apply,
    employer_with_union,
)

# Applying


def test_an_application_keeps_personal_data_protected_and_is_audited(world):
    app = apply(world)
    row = MembershipApplication.objects.filter(pk=app.pk).values().get()
    assert WANG_ID not in str(row) and WANG_PHONE not in str(row)
    assert app.id_number_masked == f"{WANG_ID[:6]}********{WANG_ID[-4:]}"
    assert app.phone_masked == "139****5678"
    assert (app.gender, app.birth_date.isoformat()) == ("M", "1995-04-12")
    event = AuditEvent.objects.get(action="membership_application.submit")
    assert event.org.code == "bj-xc-xjk" and WANG_ID not in str(event.changes)
    assert WANG_PHONE not in str(event.changes)
    assert app.events.get().kind == "submitted"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"name": ""}, "name"),
        ({"id_number": WANG_ID[:-1] + "0"}, "id_number"),
        ({"id_number": "12345"}, "id_number"),
        ({"phone": "010-6712345"}, "phone"),
        ({"employment_form": "astronaut"}, "employment_form"),
        ({"industry": ""}, "industry"),
        ({"consent": False}, "consent"),
        ({"employer_name": "公" * 101}, "employer_name"),
    ],
)
def test_bad_input_is_refused_with_the_field_and_a_chinese_reason(world, overrides, field):
    with pytest.raises(ApplicationError) as error:
        apply(world, **overrides)
    assert field in error.value.fields
    assert any("\u4e00" <= ch <= "\u9fff" for ch in error.value.fields[field][0])
    assert not MembershipApplication.objects.exists()


def test_a_place_of_work_must_be_a_district_or_street(world):
    with pytest.raises(ApplicationError) as error:
        apply(world, place="bj-xc-xjk-kd")  # a grassroots union is not a place
    assert "work_place" in error.value.fields


# Duplicates


def test_a_second_application_of_the_same_person_is_told_where_the_first_is(world):
    first = apply(world)
    with pytest.raises(ConflictError) as error:
        apply(world, place="bj-dc-lt")
    assert "新街口街道总工会" in error.value.message
    assert first.due_on.isoformat() in error.value.message
    assert MembershipApplication.objects.count() == 1


def test_someone_elses_phone_learns_nothing_about_the_holder_of_an_id(world):
    apply(world)
    with pytest.raises(ConflictError) as error:
        apply(world, phone="13700000000")
    assert "新街口" not in error.value.message and "已有" in error.value.message


def test_a_member_is_told_they_are_one_instead_of_applying(world):
    add_worker(world, "bj-dc-lt", "王小明", id_number=WANG_ID, phone=WANG_PHONE,
               joined_on=timezone.localdate() - timedelta(days=400))  # fmt: skip
    with pytest.raises(ConflictError) as error:
        apply(world)
    assert "龙潭街道总工会" in error.value.message and "会员" in error.value.message
    assert not MembershipApplication.objects.exists()


def test_a_former_member_or_registered_non_member_may_apply(world):
    add_worker(world, "bj-dc-lt", "王小明", id_number=WANG_ID)
    assert apply(world).is_pending


def test_after_a_decision_the_person_may_apply_again(world):
    app = apply(world)
    application_decline(scope=world.scope("xinjiekou_officer"), application=app, reason="材料不全")
    assert apply(world).is_pending
    assert MembershipApplication.objects.count() == 2


def test_one_phone_may_have_only_a_few_applications_open(world, settings):
    settings.JOIN_MAX_OPEN_PER_PHONE = 2
    apply(world, id_number=an_id("19900101", "001"))
    apply(world, id_number=an_id("19900101", "002"))
    with pytest.raises(ApplicationError) as error:
        apply(world, id_number=an_id("19900101", "003"))
    assert error.value.code == "rate_limited"


# Passing on


def test_pass_on_within_the_subtree_or_up_keeps_the_deadline(world):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    moved = application_pass_on(scope=scope, application=app, to_org=world.org("bj-xc-xjk-kd"),
                                reason="快递员，由联合工会办理")  # fmt: skip
    assert moved.org.code == "bj-xc-xjk-kd" and moved.due_on == app.due_on
    up = application_pass_on(scope=scope, application=moved, to_org=world.org("bj-xc"),
                             reason="工作地不在本街道")  # fmt: skip
    assert up.org.code == "bj-xc"
    event = ApplicationEvent.objects.filter(kind="passed_on").last()
    assert (event.from_org.code, event.to_org.code, event.reason) == (
        "bj-xc-xjk-kd", "bj-xc", "工作地不在本街道")  # fmt: skip
    # both ends see it in their audit log
    assert AuditEvent.objects.filter(action="membership_application.pass_on_out",
                                     org=world.org("bj-xc-xjk-kd")).exists()  # fmt: skip


def test_pass_on_needs_a_reason_and_a_union_within_reach(world):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    with pytest.raises(ApplicationError) as error:
        application_pass_on(scope=scope, application=app, to_org=world.org("bj-xc-xjk-kd"),
                            reason=" ")  # fmt: skip
    assert "reason" in error.value.fields
    with pytest.raises(ApplicationError) as error:  # a sibling street: not within reach
        application_pass_on(scope=scope, application=app, to_org=world.org("bj-dc-lt"),
                            reason="在龙潭工作")  # fmt: skip
    assert "to_org" in error.value.fields
    with pytest.raises(ForbiddenError):
        application_pass_on(scope=world.scope("longtan_officer"), application=app,
                            to_org=world.org("bj-dc-lt"), reason="抢过来")  # fmt: skip
    with pytest.raises(ForbiddenError):  # a viewer cannot act
        application_pass_on(scope=world.scope("xicheng_viewer"), application=app,
                            to_org=world.org("bj-xc"), reason="上交")  # fmt: skip


def test_not_told_the_employer_cannot_be_passed_to_the_employers_union(world):
    employer_with_union(world)
    app = apply(world, employer_name="顺丰速运有限公司", not_notify_employer=True)
    with pytest.raises(ApplicationError) as error:
        application_pass_on(scope=world.scope("xinjiekou_officer"), application=app,
                            to_org=world.org("bj-xc-xjk-kd"), reason="单位有工会")  # fmt: skip
    assert "to_org" in error.value.fields
    assert MembershipApplication.objects.get(pk=app.pk).org.code == "bj-xc-xjk"


def test_a_stale_page_cannot_pass_on_or_decide_what_moved_meanwhile(world):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    stale = MembershipApplication.objects.get(pk=app.pk)
    application_pass_on(scope=scope, application=app, to_org=world.org("bj-xc-xjk-kd"),
                        reason="联合工会办理")  # fmt: skip
    with pytest.raises(ConflictError):
        application_accept(scope=scope, application=stale)
    assert not Worker.objects.exists()


# Deciding


def test_accepting_registers_a_member_with_a_number_and_texts_them(
    world, django_capture_on_commit_callbacks
):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    with django_capture_on_commit_callbacks(execute=True):
        accepted = application_accept(scope=scope, application=app)
    worker = Worker.objects.get()
    assert accepted.status == ApplicationStatus.ACCEPTED and accepted.worker == worker
    assert worker.org.code == "bj-xc-xjk" and worker.membership_status == MembershipStatus.MEMBER
    assert worker.joined_on == timezone.localdate() and worker.phone_masked == "139****5678"
    assert worker.membership_number == "BJ-XC-XJK-000001"
    assert worker.employment_form == "rider" and worker.employer.name == "美团"
    assert "BJ-XC-XJK-000001" in MemorySender.outbox[-1].text
    assert MemorySender.outbox[-1].phone == WANG_PHONE
    other = apply(world, id_number=an_id("19900101", "001"), phone="13700000000")
    application_accept(scope=scope, application=other)
    assert Worker.objects.get(pk=other.worker.pk).membership_number == "BJ-XC-XJK-000002"


def test_a_registered_non_member_elsewhere_is_moved_into_the_accepting_union(world):
    # given: the employer's union has 王小明 in its register, not a member
    worker = add_worker(world, "bj-xc-xjk-kd", "王晓明", id_number=WANG_ID)
    app = apply(world, place="bj-dc-lt")
    # when: 龙潭 accepts him
    application_accept(scope=world.scope("longtan_officer"), application=app)
    # then: one register entry, now in 龙潭, a member, with the name he gave and his phone
    worker.refresh_from_db()
    assert Worker.objects.count() == 1 and worker.org.code == "bj-dc-lt"
    assert worker.name == "王小明" and worker.is_member and worker.phone_masked == "139****5678"
    assert worker.transfers.get().from_org.code == "bj-xc-xjk-kd"


def test_a_decision_date_is_checked(world):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    for day in (timezone.localdate() + timedelta(days=1), app.submitted_on - timedelta(days=1)):
        with pytest.raises(ApplicationError) as error:
            application_accept(scope=scope, application=app, decided_on=day)
        assert "decided_on" in error.value.fields
    assert MembershipApplication.objects.get(pk=app.pk).is_pending


def test_declining_needs_a_reason_the_applicant_reads(world, django_capture_on_commit_callbacks):
    app = apply(world)
    scope = world.scope("xinjiekou_officer")
    with pytest.raises(ApplicationError):
        application_decline(scope=scope, application=app, reason="")
    with django_capture_on_commit_callbacks(execute=True):
        application_decline(scope=scope, application=app, reason="请补充在本街道工作的证明")
    app.refresh_from_db()
    assert app.status == "declined" and app.decline_reason == "请补充在本街道工作的证明"
    assert app.decision_days == 0 and "请补充" in MemorySender.outbox[-1].text
    with pytest.raises(ConflictError):  # decided once
        application_accept(scope=scope, application=app)


def test_only_the_handling_subtree_with_edit_rights_decides(world):
    app = apply(world)
    for user in ("longtan_officer", "xicheng_viewer"):
        with pytest.raises(ForbiddenError):
            application_accept(scope=world.scope(user), application=app)
    application_accept(scope=world.scope("city_admin"), application=app)  # a federation above


def test_a_person_registered_as_a_member_meanwhile_is_not_accepted_twice(world):
    # given: an application, then the person is imported as a member of another union
    app = apply(world)
    add_worker(world, "bj-dc-lt", "王小明", id_number=WANG_ID,
               joined_on=timezone.localdate())  # fmt: skip
    # when / then: accepting is refused, and nothing of it is left half-done
    with pytest.raises(ConflictError) as error:
        application_accept(scope=world.scope("xinjiekou_officer"), application=app)
    assert "龙潭街道总工会" in error.value.message
    app.refresh_from_db()
    assert app.is_pending and app.worker is None
    assert Worker.objects.get().org.code == "bj-dc-lt"
    assert not ApplicationEvent.objects.filter(kind="accepted").exists()


def test_pass_on_to_an_archived_union_is_refused(world):
    from gonghui.orgs.models import Org

    app = apply(world)
    Org.objects.filter(code="bj-xc-xjk-kd").update(status="archived")
    with pytest.raises(ApplicationError) as error:
        application_pass_on(scope=world.scope("xinjiekou_officer"), application=app,
                            to_org=world.org("bj-xc-xjk-kd"), reason="联合工会办理")  # fmt: skip
    assert "to_org" in error.value.fields


def test_only_an_id_or_phone_can_be_revealed(world):
    from gonghui.members.services import application_reveal

    app = apply(world)
    scope = world.scope("xinjiekou_admin")
    with pytest.raises(ApplicationError):
        application_reveal(scope=scope, application=app, field="name_pinyin")
    with pytest.raises(ForbiddenError):
        application_reveal(scope=world.scope("xinjiekou_officer"), application=app, field="phone")
    assert application_reveal(scope=scope, application=app, field="id_number") == WANG_ID
