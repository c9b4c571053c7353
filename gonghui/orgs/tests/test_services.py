import pytest

from gonghui.core.errors import ApplicationError, ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.orgs import selectors, services
from gonghui.orgs.models import Org, OrgKind, OrgMove, OrgStatus

VALID_USCC = "91110000600001760P"  # a checksum-valid unified social credit code


def test_admin_creates_org_below_own_subtree_with_pinyin_keys_and_audit(world):
    # given
    scope = world.scope("dongcheng_admin")
    # when
    org = services.org_create(
        scope=scope,
        parent=world.org("bj-dc-lt"),
        code="bj-dc-lt-hyc",
        name="红桥社区工会",
        kind=OrgKind.COMMUNITY,
        credit_code=VALID_USCC.lower(),
    )
    # then
    assert Org.objects.get_parent(org).code == "bj-dc-lt"
    assert org.credit_code == VALID_USCC
    assert (org.name_pinyin, org.name_initials) == ("hongqiaoshequgonghui", "hqsqgh")
    event = AuditEvent.objects.get(action="org.create", object_id=str(org.pk))
    assert event.actor == world.users["dongcheng_admin"]
    assert event.changes["name"] == [None, "红桥社区工会"]


@pytest.mark.parametrize(
    ("username", "parent_code", "error"),
    [
        ("longtan_officer", "bj-dc-lt", ForbiddenError),  # officers do not manage the tree
        ("longtan_admin", "bj-dc", ForbiddenError),  # above their own subtree
        ("longtan_admin", "bj-xc-xjk", ForbiddenError),  # a sibling's subtree
    ],
)
def test_creating_outside_what_one_administers_is_refused(world, username, parent_code, error):
    with pytest.raises(error):
        services.org_create(
            scope=world.scope(username),
            parent=world.org(parent_code),
            code="zz-new",
            name="越权工会",
            kind=OrgKind.GRASSROOTS,
        )
    assert not Org.objects.filter(code="zz-new").exists()


@pytest.mark.parametrize(
    ("fields", "bad_field"),
    [
        ({"code": "bad code!"}, "code"),
        ({"name": "  "}, "name"),
        ({"credit_code": "91110000600001760X"}, "credit_code"),  # wrong check character
        ({"credit_code": "12345"}, "credit_code"),
        ({"contact_phone": "call me"}, "contact_phone"),
        ({"kind": OrgKind.BRANCH}, "kind"),  # a branch cannot sit under a street union
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(world, fields, bad_field):
    data = {"code": "bj-dc-lt-new", "name": "新的工会", "kind": OrgKind.GRASSROOTS, **fields}
    with pytest.raises(ApplicationError) as caught:
        services.org_create(
            scope=world.scope("dongcheng_admin"), parent=world.org("bj-dc-lt"), **data
        )
    assert bad_field in caught.value.fields
    assert Org.objects.count() == len(world.orgs)
    assert not AuditEvent.objects.filter(action="org.create", actor__isnull=False).exists()


def test_duplicate_code_and_credit_code_are_conflicts(world):
    scope = world.scope("city_admin")
    services.org_create(
        scope=scope,
        parent=world.org("bj-dc"),
        code="bj-dc-a",
        name="甲工会",
        kind=OrgKind.GRASSROOTS,
        credit_code=VALID_USCC,
    )
    with pytest.raises(ConflictError):
        services.org_create(
            scope=scope,
            parent=world.org("bj-xc"),
            code="bj-dc-a",
            name="乙",
            kind=OrgKind.GRASSROOTS,
        )
    with pytest.raises(ConflictError):
        services.org_create(
            scope=scope,
            parent=world.org("bj-xc"),
            code="bj-xc-b",
            name="乙",
            kind=OrgKind.GRASSROOTS,
            credit_code=VALID_USCC,
        )


def test_update_records_before_and_after_with_phone_masked(world):
    org = services.org_update(
        scope=world.scope("dongcheng_admin"),
        org=world.org("bj-dc-lt"),
        short_name="龙潭",
        contact_phone="13812345678",
    )
    assert org.short_name == "龙潭"
    event = AuditEvent.objects.get(action="org.update")
    assert event.changes["short_name"] == ["", "龙潭"]
    assert event.changes["contact_phone"] == ["", "138****5678"]


def test_moving_a_street_to_another_district_keeps_its_subtree_and_history(world):
    # given: 龙潭 (with a community below) is handed from 东城 to 西城 by the city admin
    community = world.org("bj-dc-lt-sy")
    # when
    services.org_move(
        scope=world.scope("city_admin"),
        org=world.org("bj-dc-lt"),
        new_parent=world.org("bj-xc"),
        reason="区划调整",
    )
    # then
    moved = world.org("bj-dc-lt")
    assert Org.objects.get_parent(moved).code == "bj-xc"
    assert Org.objects.get(pk=community.pk).path.startswith(moved.path)
    assert world.scope("xicheng_viewer").covers(Org.objects.get(pk=community.pk))
    assert not world.scope("dongcheng_admin").covers(moved)
    history = OrgMove.objects.get(org=moved)
    assert (history.from_parent.code, history.to_parent.code, history.reason) == (
        "bj-dc",
        "bj-xc",
        "区划调整",
    )
    assert AuditEvent.objects.filter(action="org.move", object_id=str(moved.pk)).exists()


def test_move_needs_admin_of_both_ends_and_no_cycles(world):
    with pytest.raises(ForbiddenError):
        services.org_move(
            scope=world.scope("dongcheng_admin"),
            org=world.org("bj-dc-lt"),
            new_parent=world.org("bj-xc"),
        )
    with pytest.raises(ApplicationError):
        services.org_move(
            scope=world.scope("city_admin"),
            org=world.org("bj-dc"),
            new_parent=world.org("bj-dc-lt"),
        )
    assert Org.objects.get_parent(world.org("bj-dc-lt")).code == "bj-dc"


def test_archive_needs_children_archived_first_and_takes_access_away(world):
    scope = world.scope("dongcheng_admin")
    with pytest.raises(ApplicationError):
        services.org_archive(scope=scope, org=world.org("bj-dc-lt"))
    services.org_archive(scope=scope, org=world.org("bj-dc-lt-sy"))
    services.org_archive(scope=scope, org=world.org("bj-dc-lt"))
    assert world.org("bj-dc-lt").status == OrgStatus.ARCHIVED
    assert world.scope("longtan_officer").grants == ()  # a role at an archived org is dormant
    services.org_restore(scope=scope, org=world.org("bj-dc-lt"))
    assert world.scope("longtan_officer").grants != ()


def test_search_by_name_pinyin_and_initials_stays_in_scope(world):
    scope = world.scope("dongcheng_admin")
    for query in ("龙潭", "longtan", "ltjd", "bj-dc-lt"):
        assert "bj-dc-lt" in [o.code for o in selectors.org_list(scope, q=query)], query
    assert list(selectors.org_list(scope, q="xjk")) == []
    found = [o.code for o in selectors.org_list(world.scope("city_admin"), q="xjk")]
    assert found == ["bj-xc-xjk", "bj-xc-xjk-kd"]
