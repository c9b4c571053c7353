"""Deadlines in working days on China's calendar, and escalation of overdue applications to
the union above: shown in its inbox, and recorded once per level."""

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command
from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.models import AuditEvent
from gonghui.core.workdays import is_makeup_working_day, is_public_holiday
from gonghui.members.models import ApplicationEvent
from gonghui.members.selectors import application_escalation, application_list
from gonghui.members.services import join_policy_set
from gonghui.members.services.routing import escalation_level, escalation_thresholds
from gonghui.members.tests.factories import an_id, apply

CHINA = ZoneInfo("Asia/Shanghai")
MONDAY = datetime(2026, 9, 14, 10, 0, tzinfo=CHINA)


def test_the_deadline_counts_working_days_across_a_make_up_day_and_holidays(world):
    # given: 15 working days from Monday 14 September 2026, a window holding the make-up
    # Sunday 20 September, the Mid-Autumn break (25-27 September), National Day (1-7
    # October) and the make-up Saturday 10 October
    assert is_makeup_working_day(date(2026, 9, 20)) and is_public_holiday(date(2026, 9, 25))
    # when
    app = apply(world, submitted_at=MONDAY)
    # then: the make-up days count, the holidays do not
    assert app.submitted_on == date(2026, 9, 14)
    assert app.due_on == date(2026, 10, 10)


def test_a_federation_sets_its_own_time_limit(world):
    join_policy_set(scope=world.scope("city_admin"), org=world.org("bj-xc"), decide_within_days=5)
    app = apply(world, submitted_at=MONDAY)
    assert app.due_on == date(2026, 9, 20)  # Tuesday to Friday, then the make-up Sunday
    # a federation further down the tree decides for its own subtree only
    other = apply(world, place="bj-dc-lt", submitted_at=MONDAY, id_number=an_id("19900101", "003"),
                  phone="13700000001")  # fmt: skip
    assert other.due_on == date(2026, 10, 10)


def test_overdue_applications_show_in_the_parent_unions_inbox(world):
    # given: an application of 新街口 due on Saturday 10 October 2026 (a make-up day)
    app = apply(world, submitted_at=MONDAY)
    district = world.scope("xicheng_viewer")
    street = world.scope("xinjiekou_officer")

    def todo(scope, day):
        return list(application_list(scope, view="todo", today=day))

    # when / then: on the deadline it is only the street's to do
    assert todo(street, date(2026, 10, 10)) == [app] and todo(district, date(2026, 10, 10)) == []
    assert application_escalation(app, date(2026, 10, 10)) == (0, None)
    # the day after, the district federation has it too
    assert todo(district, date(2026, 10, 11)) == [app]
    level, reached = application_escalation(app, date(2026, 10, 11))
    assert (level, reached.code) == (1, "bj-xc")
    assert list(application_list(street, view="overdue", today=date(2026, 10, 11))) == [app]
    # five working days later (12-16 October) it reaches the city federation
    city = world.scope("city_admin")
    assert todo(city, date(2026, 10, 16)) == []
    assert todo(city, date(2026, 10, 17)) == [app]


def test_escalations_are_recorded_once_per_level_and_audited(world):
    app = apply(world, submitted_at=MONDAY)
    out = StringIO()
    call_command("escalate_overdue_applications", today="2026-10-11", stdout=out, stderr=StringIO())
    assert "1 new" in out.getvalue()
    call_command("escalate_overdue_applications", today="2026-10-12", stdout=out, stderr=StringIO())
    call_command("escalate_overdue_applications", today="2026-10-19", stdout=out, stderr=StringIO())
    events = ApplicationEvent.objects.filter(application=app, kind="escalated").order_by("level")
    assert [(e.level, e.to_org.code) for e in events] == [(1, "bj-xc"), (2, "bj")]
    audited = AuditEvent.objects.filter(action="membership_application.escalate")
    assert sorted(audited.values_list("org__code", flat=True)) == ["bj", "bj-xc"]


def test_a_decided_application_is_never_overdue(world):
    from gonghui.members.services import application_decline

    app = apply(world, submitted_at=MONDAY)
    application_decline(scope=world.scope("xinjiekou_officer"), application=app,
                        reason="重复申请", decided_on=date(2026, 9, 15))  # fmt: skip
    assert list(application_list(world.scope("xicheng_viewer"), view="overdue",
                                 today=date(2026, 12, 1))) == []  # fmt: skip
    assert app.decision_days == 1


@given(
    due=st.dates(date(2024, 1, 1), date(2026, 12, 31)),
    ahead=st.integers(0, 120),
    every=st.integers(1, 10),
)
def test_the_inbox_thresholds_agree_with_the_escalation_level(due, ahead, every):
    """The SQL filter (deadline before T_k) and the level computed per application agree."""
    today = due + timedelta(days=ahead)
    thresholds = escalation_thresholds(today, every)
    level = escalation_level(due, today, every)
    for k, threshold in enumerate(thresholds, start=1):
        assert (level >= k) == (due < threshold), (k, threshold)


def test_escalation_stops_at_the_top_of_the_tree(world):
    # given: an application handled by a district federation, months late
    app = apply(world, place="bj-cy", submitted_at=MONDAY)
    assert app.org.code == "bj-cy"
    # when
    call_command("escalate_overdue_applications", today="2026-12-31", stdout=StringIO(),
                 stderr=StringIO())  # fmt: skip
    # then: the city federation, then the national one, and no further
    events = ApplicationEvent.objects.filter(kind="escalated").order_by("level")
    assert [e.to_org.code for e in events] == ["bj", "acftu"]
    assert application_escalation(app, date(2026, 12, 31))[1].code == "acftu"


def test_the_command_can_hand_the_run_to_the_task_worker(world):
    out = StringIO()
    call_command("escalate_overdue_applications", enqueue=True, stdout=out, stderr=StringIO())
    assert "Queued" in out.getvalue()  # tests run tasks at once (ImmediateBackend)
