import pytest

from gonghui.accounts.models import Role
from gonghui.accounts.services import role_set_hardship_access
from gonghui.care import services
from gonghui.care.models import HardshipStatus
from gonghui.care.tests.factories import today
from gonghui.core.errors import ConflictError, ForbiddenError
from gonghui.core.models import AuditEvent
from gonghui.members.tests.factories import add_zhang


def grant(world, username: str, org_code: str, *, by: str = "city_admin") -> None:
    role = Role.objects.get(user=world.users[username], org=world.orgs[org_code])
    role_set_hardship_access(scope=world.scope(by), role=role, allowed=True)


def open_case(world, zhang):
    return services.case_create(
        scope=world.scope("longtan_officer"),
        worker=zhang,
        reason="illness",
        household_size=3,
        monthly_income_fen=240000,
        household="妻子无业，女儿读初中",
        applied_on=today(),
    )


def test_no_role_kind_carries_the_hardship_permission(world):
    zhang = add_zhang(world)
    for username in ("longtan_officer", "longtan_admin", "dongcheng_admin", "city_admin"):
        with pytest.raises(ForbiddenError):
            services.case_create(
                scope=world.scope(username),
                worker=zhang,
                reason="illness",
                household_size=3,
                monthly_income_fen=1,
                household="x",
                applied_on=today(),
            )


def test_nobody_grants_it_to_themselves(world):
    role = Role.objects.get(user=world.users["city_admin"])
    with pytest.raises(ForbiddenError):
        role_set_hardship_access(scope=world.scope("city_admin"), role=role, allowed=True)
    officer = Role.objects.get(user=world.users["longtan_officer"])
    with pytest.raises(ForbiddenError):  # an officer manages no staff
        role_set_hardship_access(scope=world.scope("longtan_officer"), role=officer, allowed=True)
    role_set_hardship_access(scope=world.scope("longtan_admin"), role=officer, allowed=True)
    assert world.scope("longtan_officer").can_anywhere("hardship")


def test_a_file_goes_from_application_to_review_at_the_right_levels(world):
    grant(world, "longtan_officer", "bj-dc-lt")
    grant(world, "longtan_admin", "bj-dc-lt")
    grant(world, "dongcheng_admin", "bj-dc")
    zhang = add_zhang(world)
    case = open_case(world, zhang)
    with pytest.raises(ConflictError):
        open_case(world, zhang)  # one open file per person
    case = services.case_assess(
        scope=world.scope("longtan_officer"), case=case, assessment="入户核查属实"
    )
    # the union keeping the file cannot approve it, even its admin
    with pytest.raises(ForbiddenError):
        services.case_decide(scope=world.scope("longtan_admin"), case=case, approve=True)
    case = services.case_decide(scope=world.scope("dongcheng_admin"), case=case, approve=True)
    assert case.status == HardshipStatus.APPROVED and case.review_due
    services.assistance_add(
        scope=world.scope("longtan_officer"),
        case=case,
        kind="cash",
        amount_fen=200000,
        description="春节送温暖慰问金",
        given_on=today(),
    )
    services.case_review(
        scope=world.scope("longtan_officer"), case=case, year=today().year, outcome="continue"
    )
    with pytest.raises(ConflictError):
        services.case_review(
            scope=world.scope("longtan_officer"), case=case, year=today().year, outcome="close"
        )
    services.case_viewed(scope=world.scope("dongcheng_admin"), case=case)
    assert AuditEvent.objects.filter(action="hardship.view").count() == 1


def test_a_rejection_needs_a_note_and_help_needs_an_approved_file(world):
    grant(world, "longtan_officer", "bj-dc-lt")
    grant(world, "dongcheng_admin", "bj-dc")
    case = open_case(world, add_zhang(world))
    with pytest.raises(ConflictError):
        services.assistance_add(
            scope=world.scope("longtan_officer"),
            case=case,
            kind="goods",
            amount_fen=100,
            description="米面油",
            given_on=today(),
        )
    case = services.case_assess(scope=world.scope("longtan_officer"), case=case, assessment="核实")
    with pytest.raises(services.RuleBroken.__mro__[1]):
        services.case_decide(scope=world.scope("dongcheng_admin"), case=case, approve=False)
    case = services.case_decide(
        scope=world.scope("dongcheng_admin"), case=case, approve=False, note="收入高于标准"
    )
    assert case.status == HardshipStatus.REJECTED
