"""Worker use cases: personal data protected, derived from the ID, scoped and audited."""

from datetime import date

import pytest

from gonghui.core.crypto import blind_index
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.members.models import MembershipStatus, Worker
from gonghui.members.selectors import get_worker_for, worker_list, worker_transfers
from gonghui.members.services import (
    worker_create,
    worker_join,
    worker_leave,
    worker_reveal,
    worker_transfer,
    worker_update,
)
from gonghui.members.tests.test_imports import LI, ZHANG


@pytest.fixture
def zhang(world):
    return worker_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt"),
        name="张三",
        id_number=ZHANG,
        phone="138 1234 5678",
        employer_name="美团",
        employment_form="rider",
        groups=["outdoor"],
    )


def test_a_worker_is_stored_protected_and_shown_masked(zhang):
    stored = Worker.objects.get(pk=zhang.pk)
    assert ZHANG not in str(bytes(stored.id_number_enc))
    assert stored.id_number_index == blind_index("id_number", ZHANG)
    assert stored.id_number_masked == "110101********" + ZHANG[-4:]
    assert stored.phone_masked == "138****5678" and stored.phone_tail == "5678"
    assert (stored.gender, stored.birth_date) == ("M", date(1990, 3, 7))
    assert list(stored.groups.values_list("code", flat=True)) == ["outdoor"]


def test_the_audit_event_keeps_only_masked_personal_data(zhang):
    event = AuditEvent.objects.get(action="worker.create")
    text = str(event.changes)
    assert ZHANG not in text and "13812345678" not in text
    assert "138****5678" in text


def test_gender_typed_beside_an_id_must_match_it(world):
    with pytest.raises(ApplicationError) as caught:
        worker_create(
            scope=world.scope("longtan_officer"),
            org=world.org("bj-dc-lt"),
            name="张三",
            id_number=ZHANG,
            gender="F",
        )
    assert "gender" in caught.value.fields


def test_a_second_worker_with_the_same_id_is_refused(world, zhang):
    with pytest.raises(ConflictError):
        worker_create(
            scope=world.scope("dongcheng_admin"),
            org=world.org("bj-dc"),
            name="张三",
            id_number=ZHANG.lower(),
        )


def test_an_officer_cannot_add_or_change_workers_of_a_sibling_org(world, zhang):
    with pytest.raises(ForbiddenError):
        worker_create(
            scope=world.scope("xinjiekou_officer"), org=world.org("bj-dc-lt"), name="李四"
        )
    with pytest.raises(ForbiddenError):
        worker_update(scope=world.scope("xinjiekou_officer"), worker=zhang, name="改名")


def test_a_viewer_cannot_change_a_worker(world):
    worker = worker_create(
        scope=world.scope("xinjiekou_officer"), org=world.org("bj-xc-xjk"), name="李四"
    )
    with pytest.raises(ForbiddenError):
        worker_update(scope=world.scope("xicheng_viewer"), worker=worker, name="改名")


def test_an_update_is_audited_with_before_and_after(world, zhang):
    worker_update(scope=world.scope("longtan_officer"), worker=zhang, phone="13900001111")
    event = AuditEvent.objects.get(action="worker.update")
    assert event.changes["phone"] == ["138****5678", "139****1111"]


def test_a_transfer_moves_the_worker_and_keeps_history(world, zhang):
    # given
    scope = world.scope("dongcheng_admin")
    # when
    worker_transfer(scope=scope, worker=zhang, to_org=world.org("bj-dc-lt-sy"), reason="工作调动")
    # then
    zhang.refresh_from_db()
    assert zhang.org.code == "bj-dc-lt-sy"
    [move] = worker_transfers(scope, zhang)
    assert (move.from_org.code, move.to_org.code, move.reason) == (
        "bj-dc-lt",
        "bj-dc-lt-sy",
        "工作调动",
    )
    assert AuditEvent.objects.filter(action="worker.transfer", org__code="bj-dc-lt-sy").exists()
    assert AuditEvent.objects.filter(action="worker.transfer_out", org__code="bj-dc-lt").exists()


def test_a_transfer_outside_the_scope_is_refused(world, zhang):
    with pytest.raises(ForbiddenError):
        worker_transfer(
            scope=world.scope("longtan_officer"), worker=zhang, to_org=world.org("bj-xc-xjk")
        )


def test_joining_and_leaving(world, zhang):
    scope = world.scope("longtan_officer")
    worker_join(scope=scope, worker=zhang, joined_on=date(2024, 5, 1))
    with pytest.raises(ConflictError):
        worker_join(scope=scope, worker=zhang, joined_on=date(2024, 5, 1))
    with pytest.raises(ApplicationError):
        worker_leave(scope=scope, worker=zhang, left_on=date(2024, 4, 1), reason="退休")
    worker = worker_leave(scope=scope, worker=zhang, left_on=date(2025, 1, 1), reason="退休")
    assert worker.membership_status == MembershipStatus.LEFT and worker.left_reason == "退休"


def test_revealing_needs_the_permission_and_is_audited(world, zhang):
    with pytest.raises(ForbiddenError):
        worker_reveal(scope=world.scope("longtan_officer"), worker=zhang, field="id_number")
    assert (
        worker_reveal(scope=world.scope("longtan_admin"), worker=zhang, field="id_number") == ZHANG
    )
    assert worker_reveal(scope=world.scope("longtan_admin"), worker=zhang, field="phone") == (
        "13812345678"
    )
    events = AuditEvent.objects.filter(action="worker.reveal")
    assert [e.changes["field"] for e in events.order_by("pk")] == ["id_number", "phone"]
    assert all(e.actor_username == "longtan_admin" for e in events)


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("zs", ["张三"]),
        ("zhangsan", ["张三"]),
        ("ZHANG", ["张三"]),
        ("张", ["张三"]),
        ("5678", ["张三"]),
        ("138-1234-5678", ["张三"]),
        (ZHANG.lower(), ["张三"]),
        ("ls", ["李四"]),
        ("1111", ["李四"]),
        ("9999", []),
    ],
)
def test_search_by_pinyin_phone_tail_or_id(world, zhang, q, found):
    worker_create(
        scope=world.scope("longtan_officer"),
        org=world.org("bj-dc-lt-sy"),
        name="李四",
        id_number=LI,
        phone="13900001111",
    )
    scope = world.scope("longtan_officer")
    assert [w.name for w in worker_list(scope, q=q)] == found


def test_lists_sort_by_pinyin_and_stay_in_scope(world, zhang):
    for name in ("阿强", "周七", "毕五"):
        worker_create(scope=world.scope("longtan_officer"), org=world.org("bj-dc-lt"), name=name)
    worker_create(scope=world.scope("xinjiekou_officer"), org=world.org("bj-xc-xjk"), name="安六")
    names = [w.name for w in worker_list(world.scope("longtan_officer"))]
    assert names == ["阿强", "毕五", "张三", "周七"]
    with pytest.raises(Exception):  # noqa: B017  (NotFoundError: outsiders learn nothing)
        get_worker_for(world.scope("xinjiekou_officer"), zhang.pk)
