import pytest
from django.core.management import CommandError, call_command

from gonghui.accounts.models import User
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import Org


def test_create_admin_on_an_empty_database_makes_the_root_and_its_admin(db, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("Root-pass-2026\n")
    call_command(
        "create_admin",
        org_code="acftu",
        org_name="中华全国总工会",
        username="root",
        password_file=secret,
    )
    root = Org.objects.get(code="acftu")
    user = User.objects.get(username="root")
    assert user.check_password("Root-pass-2026") and user.roles.get().org == root
    assert AuditEvent.objects.filter(action="staff.bootstrap").exists()


def test_create_admin_refuses_weak_passwords_and_unknown_orgs(world, tmp_path):
    secret = tmp_path / "pw"
    secret.write_text("123")
    with pytest.raises(CommandError):
        call_command("create_admin", org_code="bj", username="x", password_file=secret)
    with pytest.raises(CommandError):
        call_command("create_admin", org_code="nowhere", username="y", password_file=secret)
