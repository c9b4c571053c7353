from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from stdnum.cn import uscc

from gonghui.accounts.models import Role, User
from gonghui.core.demo import (
    DEFAULT_GRASSROOTS,
    DEMO_PASSWORD,
    DISTRICTS,
    LOGINS,
    build_demo,
    fixed_org_specs,
    grassroots_specs,
)
from gonghui.core.models import AuditEvent
from gonghui.orgs.models import ALLOWED_CHILD_KINDS, Org, OrgKind

GRASSROOTS = 20  # the full few hundred would only slow the suite down

# Orgs named on the newspaper page, with the parent each sits under.
NAMED = {
    "北京市总工会": "中华全国总工会",
    "东城区总工会": "北京市总工会",
    "西城区总工会": "北京市总工会",
    "朝阳区总工会": "北京市总工会",
    "龙潭街道总工会": "东城区总工会",
    "新街口街道总工会": "西城区总工会",
    "高碑店地区总工会": "朝阳区总工会",
    "高井村工会": "高碑店地区总工会",
    "花园闸社区工会": "高碑店地区总工会",
    "北京公交集团工会": "北京市总工会",
    "第一客运分公司工会": "北京公交集团工会",
    "三元食品工会": "大兴区总工会",
    "北京城建集团工会": "北京市总工会",
}


@pytest.fixture
def demo(db):
    return build_demo(grassroots=GRASSROOTS)


def _parent(org: Org) -> Org | None:
    return None if org.is_root() else Org.objects.get(path=org.path[: -Org.steplen])


def test_the_newspaper_orgs_sit_under_their_real_parents(demo):
    for name, parent_name in NAMED.items():
        org = Org.objects.get(name=name)
        assert _parent(org).name == parent_name, name
    assert Org.objects.get(name="中华全国总工会").is_root()
    bus = Org.objects.get(name="北京公交集团工会")
    branches = Org.objects.filter(path__startswith=bus.path, depth=bus.depth + 1)
    assert branches.count() == 12
    assert set(branches.values_list("kind", flat=True)) == {OrgKind.BRANCH}


def test_every_org_kind_is_allowed_under_its_parent_and_was_created_by_a_service(demo):
    orgs = list(Org.objects.all())
    assert len(orgs) == len(fixed_org_specs()) + GRASSROOTS
    for org in orgs:
        parent = _parent(org)
        if parent is not None:
            assert org.kind in ALLOWED_CHILD_KINDS[parent.kind], (org.name, parent.name)
    # One org.create event per org: nothing bypassed the services.
    assert AuditEvent.objects.filter(action="org.create").count() == len(orgs)


def test_loading_twice_creates_nothing_new(demo):
    # given
    counts = (
        Org.objects.count(),
        User.objects.count(),
        Role.objects.count(),
        AuditEvent.objects.count(),
    )
    # when
    again = build_demo(grassroots=GRASSROOTS)
    # then
    assert (again.orgs_created, again.users_created) == (0, 0)
    assert again.orgs_skipped == counts[0]
    assert again.users_skipped == len(LOGINS)
    assert (
        Org.objects.count(),
        User.objects.count(),
        Role.objects.count(),
        AuditEvent.objects.count(),
    ) == counts


def test_every_demo_login_works_with_its_roles(demo):
    for login in LOGINS:
        assert Client().login(username=login.username, password=DEMO_PASSWORD), login.username
        roles = set(
            Role.objects.filter(user__username=login.username).values_list("org__code", "kind")
        )
        assert roles == set(login.roles), login.username
    assert User.objects.get(username="multi_role").roles.count() == 2


def test_made_up_unions_are_deterministic_valid_and_a_prefix_of_the_full_set():
    full = list(grassroots_specs(DEFAULT_GRASSROOTS))
    assert list(grassroots_specs(GRASSROOTS)) == full[:GRASSROOTS]
    assert len({s.code for s in full}) == len({s.name for s in full}) == DEFAULT_GRASSROOTS
    codes = [s.fields["credit_code"] for s in full if "credit_code" in s.fields]
    assert 0.4 < len(codes) / len(full) < 0.6
    assert all(uscc.is_valid(code) and code.startswith("8111") for code in codes)
    assert len(set(codes)) == len(codes)
    for spec in full:
        assert spec.name.startswith("北京") and spec.name.endswith("有限公司工会")
        district = DISTRICTS["-".join(spec.parent.split("-")[:2])]
        assert spec.fields["address"].startswith(f"北京市{district.name}")


def test_command_prints_progress_counts_and_the_logins(db):
    out = StringIO()
    call_command("load_demo", grassroots=5, stdout=out)
    text = out.getvalue()
    assert f"orgs: {len(fixed_org_specs()) + 5} created, 0 already there" in text
    assert "longtan" in text and DEMO_PASSWORD in text and "龙潭街道总工会" in text
    out = StringIO()
    call_command("load_demo", grassroots=5, stdout=out)
    assert "orgs: 0 created" in out.getvalue()
