import pytest
from django.contrib.admin.sites import site
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from gonghui.core.models import AppendOnlyError, AuditEvent
from gonghui.core.pii import mask_id_number, mask_phone
from gonghui.core.selectors import audit_event_list
from gonghui.orgs import services as org_services


@pytest.fixture
def event(world):
    org_services.org_update(
        scope=world.scope("dongcheng_admin"), org=world.org("bj-dc-lt"), short_name="龙潭"
    )
    return AuditEvent.objects.get(action="org.update")


def test_console_changes_are_audited_with_actor_ip_and_changes(world, login):
    client = login("dongcheng_admin")
    client.post(
        f"/orgs/{world.orgs['bj-dc-lt'].pk}/edit/",
        {"name": "龙潭街道总工会", "address": "龙潭路1号"},
        REMOTE_ADDR="192.0.2.7",
    )
    event = AuditEvent.objects.get(action="org.update")
    assert (event.actor_username, event.ip, event.via) == (
        "dongcheng_admin",
        "192.0.2.7",
        "console",
    )
    assert event.changes["address"] == ["", "龙潭路1号"]
    page = client.get("/audit/", {"action": "org.update"}).content.decode()
    assert "龙潭路1号" in page


def test_events_cannot_be_changed_or_deleted_through_the_orm(event):
    event.action = "tampered"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(action="tampered")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()


def test_the_database_refuses_updates_even_in_raw_sql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE core_auditevent SET action = 'tampered' WHERE id = %s", [event.pk])
    assert AuditEvent.objects.get(pk=event.pk).action == "org.update"


@pytest.mark.postgres
def test_postgres_refuses_deletes_in_raw_sql(event):
    with pytest.raises(DatabaseError), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM core_auditevent WHERE id = %s", [event.pk])
    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_admin_site_offers_no_add_change_or_delete(world, event):
    request = RequestFactory().get("/admin/")
    request.user = world.users["city_admin"]
    request.user.is_superuser = request.user.is_staff = True
    for model, admin in site._registry.items():
        assert not admin.has_add_permission(request), model
        assert not admin.has_change_permission(request, None), model
        assert not admin.has_delete_permission(request, None), model


def test_audit_search_is_scoped_to_the_admins_subtree(world):
    org_services.org_update(
        scope=world.scope("xinjiekou_admin"), org=world.org("bj-xc-xjk"), short_name="新街口"
    )
    org_services.org_update(
        scope=world.scope("longtan_admin"), org=world.org("bj-dc-lt"), short_name="龙潭"
    )
    seen = [e.object_repr for e in audit_event_list(world.scope("longtan_admin"))]
    assert seen == ["龙潭街道总工会"]
    assert list(audit_event_list(world.scope("longtan_officer"))) == []  # officers may not search
    assert len(audit_event_list(world.scope("city_admin"))) == 2


def test_audit_page_is_for_admins_only(world, login):
    assert login("longtan_officer").get("/audit/").status_code == 403
    assert login("longtan_admin").get("/audit/").status_code == 200


def test_masks():
    assert mask_id_number("11010119900307123X") == "110101********123X"
    assert mask_phone("13812345678") == "138****5678"


def test_json_fields_are_snapshotted_as_values_not_as_text():
    from gonghui.core.audit import diff, model_snapshot

    # jsonb hands keys back in its own order; the same value must not read as a change.
    stored = model_snapshot(AuditEvent(changes={"b": [1, 2], "a": True}), ["changes"])
    edited = model_snapshot(AuditEvent(changes={"a": True, "b": [1, 2]}), ["changes"])
    assert stored == {"changes": {"b": [1, 2], "a": True}}
    assert diff(stored, edited) == {}
    changed = model_snapshot(AuditEvent(changes={"a": False, "b": [1, 2]}), ["changes"])
    assert diff(stored, changed) == {"changes": [{"b": [1, 2], "a": True}, changed["changes"]]}
