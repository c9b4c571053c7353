import pytest

from gonghui.accounts import services
from gonghui.accounts.models import Role, User
from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.core.permissions import RoleKind

NEW_PASSWORD = "Strong-pass-2026"


def test_admin_creates_staff_in_own_subtree_with_argon2_and_audit(world):
    user = services.staff_create(
        scope=world.scope("dongcheng_admin"),
        org=world.org("bj-dc-lt"),
        username="lt_new",
        display_name="新同事",
        password=NEW_PASSWORD,
        role=RoleKind.VIEWER,
    )
    assert user.check_password(NEW_PASSWORD)
    assert Role.objects.get(user=user).kind == RoleKind.VIEWER
    assert AuditEvent.objects.filter(action="staff.create", object_id=str(user.pk)).exists()


def test_passwords_are_hashed_with_argon2_outside_tests():
    from gonghui import settings as project_settings

    assert project_settings.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


@pytest.mark.parametrize(
    ("admin", "org_code"),
    [("longtan_admin", "bj-xc-xjk"), ("longtan_admin", "bj-dc"), ("longtan_officer", "bj-dc-lt")],
)
def test_accounts_are_managed_only_by_admins_inside_their_subtree(world, admin, org_code):
    with pytest.raises(ForbiddenError):
        services.staff_create(
            scope=world.scope(admin),
            org=world.org(org_code),
            username="x1",
            display_name="越权",
            password=NEW_PASSWORD,
        )
    assert not User.objects.filter(username="x1").exists()


def test_admin_cannot_touch_an_account_that_also_works_elsewhere(world):
    # multi_role also holds a role at 新街口, outside the 龙潭 admin's subtree
    scope = world.scope("longtan_admin")
    with pytest.raises(ForbiddenError):
        services.staff_set_active(scope=scope, user=world.users["multi_role"], active=False)
    with pytest.raises(ForbiddenError):
        services.staff_reset_password(
            scope=scope, user=world.users["multi_role"], password=NEW_PASSWORD
        )
    # ... but the city admin, who covers both, can
    services.staff_set_active(
        scope=world.scope("city_admin"), user=world.users["multi_role"], active=False
    )
    assert not User.objects.get(username="multi_role").is_active


def test_weak_password_and_taken_username_are_refused(world):
    scope = world.scope("dongcheng_admin")
    with pytest.raises(ApplicationError) as weak:
        services.staff_create(
            scope=scope,
            org=world.org("bj-dc"),
            username="weak",
            display_name="弱",
            password="12345678",
        )
    assert "password" in weak.value.fields
    with pytest.raises(ConflictError):
        services.staff_create(
            scope=scope,
            org=world.org("bj-dc"),
            username="LONGTAN_OFFICER",
            display_name="重",
            password=NEW_PASSWORD,
        )


def test_role_grant_and_revoke(world):
    scope = world.scope("city_admin")
    officer = world.users["longtan_officer"]
    services.role_grant(scope=scope, user=officer, org=world.org("bj-cy-gbd"), role=RoleKind.VIEWER)
    assert {g.org_name for g in world.scope("longtan_officer", all_roles=True).grants} == {
        "龙潭街道总工会",
        "高碑店地区总工会",
    }
    services.role_revoke(scope=scope, role=Role.objects.get(user=officer, org__code="bj-cy-gbd"))
    assert [
        a.action
        for a in AuditEvent.objects.filter(object_type="accounts.user", object_id=str(officer.pk))
    ] == [
        "role.revoke",
        "role.grant",
    ]


def test_disabled_account_tokens_stop_working(world):
    _row, token = services.token_create(user=world.users["longtan_officer"], name="系统对接")
    assert services.token_authenticate(token) == world.users["longtan_officer"]
    services.staff_set_active(
        scope=world.scope("dongcheng_admin"), user=world.users["longtan_officer"], active=False
    )
    assert services.token_authenticate(token) is None
