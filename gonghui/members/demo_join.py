"""Demo applications to join the union online: a few hundred couriers, riders and drivers of
东城区, 西城区 and 朝阳区 (the districts of the newspaper page's gig-worker stories) over the
last weeks, most decided, some still pending and some overdue; the platforms' everyday names
(美团, 饿了么, 顺丰 ...), a few routing rules and time limits. Written through the services,
from a fixed seed, dated back from the day the demo is loaded.

Two applicants have fixed phone numbers so the worker pages can be shown: 137 0000 1234 has
an application pending with 新街口街道总工会; 137 0000 5678 was admitted by it and has a
member e-card.
"""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from gonghui.accounts.models import User
from gonghui.core.crypto import blind_index
from gonghui.core.errors import ApplicationError
from gonghui.core.identity import id_check_digit
from gonghui.core.scope import Scope, scope_for_user, system_scope
from gonghui.core.workdays import add_working_days
from gonghui.members.models import Employer, EmployerAlias, MembershipApplication
from gonghui.members.services import (
    application_accept,
    application_decline,
    application_pass_on,
    application_submit,
    applications_escalate,
    employer_alias_add,
    join_policy_set,
    routing_rule_create,
)
from gonghui.orgs.models import Org

SEED = 2026 + 7
COUNT = 320
DAYS_BACK = 50
PENDING_PHONE, MEMBER_PHONE = "13700001234", "13700005678"
ALIASES = {
    "北京三快科技有限公司": ("美团", "美团外卖"),
    "拉扎斯网络科技（上海）有限公司": ("饿了么",),
    "顺丰速运有限公司": ("顺丰", "顺丰速运"),
    "北京京邦达贸易有限公司": ("京东", "京东物流"),
    "北京中通吉速递服务有限公司": ("中通", "中通快递"),
    "北京小桔科技有限公司": ("滴滴", "滴滴出行"),
    "北京货拉拉科技有限公司": ("货拉拉",),
}
# (employment form, industry, what applicants type as employer, weight)
KINDS = [
    ("rider", "food_delivery", ("美团", "美团外卖", "饿了么", "闪送"), 40),
    ("courier", "express", ("顺丰", "京东物流", "中通快递", "圆通", "韵达", "极兔"), 30),
    ("ride_hail", "ride_hailing", ("滴滴出行", "曹操出行", "T3出行", "首汽约车"), 14),
    ("trucker", "freight", ("货拉拉", "满帮"), 6),
    ("gig_other", "domestic", ("58到家", "天鹅到家", ""), 5),
    ("employee", "property", ("", "物业公司"), 5),
]
# Streets where the applicants work; the newspaper page's three streets get half of them.
STREETS = [
    ("bj-dc-lt", 18), ("bj-xc-xjk", 18), ("bj-cy-gbd", 18),
    ("bj-dc-dhm", 5), ("bj-dc-js", 5), ("bj-dc-hpl", 5),
    ("bj-xc-xcaj", 5), ("bj-xc-jrj", 5), ("bj-xc-ds", 5),
    ("bj-cy-jw", 6), ("bj-cy-wj", 6),
    ("bj-dc", 1), ("bj-xc", 1), ("bj-cy", 2),
]  # fmt: skip
DECLINE_REASONS = (
    "工作地点不在本街道，请向实际工作地的街道工会申请",
    "所填身份信息与证件不一致，请核对后重新申请",
    "已在原单位工会入会，请办理会员组织关系接转",
    "经电话联系本人，本人表示暂不入会",
)


def _scopes() -> dict[str, Scope]:
    """The demo's officers where they exist (their names in the history), else the system."""
    scopes = {}
    for username in ("longtan", "xinjiekou", "gaobeidian", "dc_admin", "bj_admin"):
        user = User.objects.filter(username=username).first()
        if user is not None:
            scopes[username] = scope_for_user(user)
    return scopes


def _deciding_scope(scopes: dict[str, Scope], org: Org) -> Scope:
    """The officer of exactly that union when the demo has one, else the system."""
    for scope in scopes.values():
        if scope.acting_org_id == org.pk:
            return scope
    return system_scope(org)


def _setup(root: Org) -> None:
    """Aliases of the platforms, the federations' time limits and a few routing rules."""
    scope = system_scope(root)
    for name, aliases in ALIASES.items():
        employer = Employer.objects.filter(name=name).first()
        for alias in aliases:
            if employer and not EmployerAlias.objects.filter(alias=alias).exists():
                employer_alias_add(scope=scope, employer=employer, alias=alias)
    orgs = {o.code: o for o in Org.objects.filter(code__in=["bj", "bj-cy", "bj-xc", "bj-xc-xjk",
                                                              "bj-xc-xjk-kd"])}  # fmt: skip
    join_policy_set(scope=scope, org=orgs["bj"], decide_within_days=15)
    join_policy_set(scope=scope, org=orgs["bj-cy"], decide_within_days=10)
    routing_rule_create(scope=scope, org=orgs["bj-xc"], place=orgs["bj-xc-xjk"],
                        industry="express", target=orgs["bj-xc-xjk-kd"],
                        note="辖区快递员由快递物流联合工会受理")  # fmt: skip
    routing_rule_create(scope=scope, org=orgs["bj-cy"], place=orgs["bj-cy"],
                        industry="ride_hailing", target=orgs["bj-cy"],
                        note="网约车司机由区总工会统一受理")  # fmt: skip


def _pick(rng: random.Random, pairs):
    return rng.choices([p[0] for p in pairs], weights=[p[-1] for p in pairs])[0]


def _local_courier_employers() -> list[str]:
    """Made-up express and logistics companies of the three districts that have a union."""
    employers = Employer.objects.filter(union__isnull=False, union__code__regex=r"^bj-(dc|xc|cy)")
    return sorted(e.name for e in employers if "速递" in e.name or "物流" in e.name)


def _applicant(rng: random.Random, people: random.Random, places: dict, locals_: list) -> dict:
    from gonghui.members.demo import person

    form, industry, employers, _weight = rng.choices(KINDS, weights=[k[3] for k in KINDS])[0]
    employer = rng.choice(employers)
    if form == "courier" and locals_ and rng.random() < 0.35:
        employer = rng.choice(locals_)  # a local company with its own union
    return {
        **person(people, young=True),
        "employment_form": form,
        "industry": industry,
        "employer_name": employer,
        "work_place": places[_pick(rng, STREETS)],
        "not_notify_employer": rng.random() < 0.15,
        "consent": True,
    }


def _when(rng: random.Random, today) -> datetime:
    day = today - timedelta(days=rng.randrange(1, DAYS_BACK))
    moment = time(rng.randrange(7, 23), rng.randrange(60))
    return timezone.make_aware(datetime.combine(day, moment))


def _handle(rng, scopes, app: MembershipApplication, today) -> str:
    """Most applications are decided within the limit, some late, some not yet."""
    if rng.random() < 0.06:
        up = Org.objects.get(path=app.org.path[: -Org.steplen])
        reason = "申请人实际工作地不在本辖区，请上级工会协调"
        app = application_pass_on(scope=_deciding_scope(scopes, app.org), application=app,
                                  to_org=up, reason=reason)  # fmt: skip
    roll = rng.random()
    if roll < 0.12:
        return "pending"  # left alone: overdue once its time runs out
    decided = add_working_days(app.submitted_on, rng.choice([1, 2, 3, 3, 4, 5, 6, 8, 10, 12, 17]))
    if decided > today:
        return "pending"
    scope = _deciding_scope(scopes, app.org)
    if roll < 0.88:
        application_accept(scope=scope, application=app, decided_on=decided, notify=False)
        return "accepted"
    application_decline(scope=scope, application=app, reason=rng.choice(DECLINE_REASONS),
                        decided_on=decided, notify=False)  # fmt: skip
    return "declined"


def _id(first17: str) -> str:
    return first17 + id_check_digit(first17)


def _featured(scopes, places: dict, today) -> None:
    """The two applicants whose phones the worker-page screenshots sign in with."""
    pending = application_submit(
        phone=PENDING_PHONE, name="赵晓雨", id_number=_id("11010219980315002"),
        employment_form="rider", industry="food_delivery", employer_name="美团",
        work_place=places["bj-xc-xjk"], consent=True,
        submitted_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    member = application_submit(
        phone=MEMBER_PHONE, name="孙建军", id_number=_id("11010219910620005"),
        employment_form="rider", industry="food_delivery", employer_name="饿了么",
        work_place=places["bj-xc-xjk"], not_notify_employer=True, consent=True,
        submitted_at=timezone.now() - timedelta(days=12),
    )  # fmt: skip
    scope = _deciding_scope(scopes, member.org)
    decided = min(add_working_days(member.submitted_on, 4), today)
    application_accept(scope=scope, application=member, decided_on=decided, notify=False)
    assert pending.is_pending


@transaction.atomic
def load_applications(*, progress=print) -> str:
    if MembershipApplication.objects.filter(
        phone_index=blind_index("phone", PENDING_PHONE)
    ).exists():
        return f"applications: {MembershipApplication.objects.count()} already there"
    root = Org.objects.filter(code="acftu").first()
    places = {o.code: o for o in Org.objects.filter(code__in=[code for code, _w in STREETS])}
    if root is None or len(places) < len(STREETS):
        return "applications: the demo orgs are missing, none loaded"
    _setup(root)
    rng, people, scopes = random.Random(SEED), random.Random(SEED + 1), _scopes()
    today, locals_ = timezone.localdate(), _local_courier_employers()
    outcomes: dict[str, int] = {}
    for n in range(1, COUNT + 1):
        try:
            app = application_submit(**_applicant(rng, people, places, locals_),
                                     submitted_at=_when(rng, today))  # fmt: skip
            outcome = _handle(rng, scopes, app, today)
        except ApplicationError:
            outcome = "refused"  # a made-up person already a member, or applying twice
        outcomes[outcome] = outcomes.get(outcome, 0) + 1
        if n % 100 == 0:
            progress(f"applications {n}/{COUNT}")
    _featured(scopes, places, today)
    escalated = applications_escalate(today=today)
    parts = ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items()))
    return f"applications: {COUNT + 2} made ({parts}), {escalated} escalations"
