"""Records of 新街口 for the route walk in core/tests/test_scope_routes.py: supplies, a kit,
a site with stock, a spending rule, a limit group, an open campaign with a hand-out and a
voided one, and a hardship file with help given. Names carry "新街口" so a leak shows."""

import uuid
from datetime import timedelta

from django.utils import timezone

from gonghui.accounts.models import Role
from gonghui.accounts.services import role_set_hardship_access
from gonghui.care import services
from gonghui.members.models import Worker


def make_samples(world, org) -> None:
    scope = world.scope("xinjiekou_officer")
    today = timezone.localdate()
    mask = services.item_create(
        scope=scope,
        org=org,
        name="新街口N95口罩",
        unit="盒",
        category="protective",
        unit_value_fen=3000,
    )
    test = services.item_create(
        scope=scope,
        org=org,
        name="新街口抗原试剂",
        unit="盒",
        category="medical",
        unit_value_fen=2500,
    )
    kit = services.kit_create(
        scope=scope, org=org, name="新街口防疫包", components=[(mask, 1), (test, 1)]
    )
    site = services.site_create(
        scope=scope, org=org, name="新街口街道发放点", address="新街口北大街1号"
    )
    for item in (mask, test):
        services.stock_receive(
            scope=scope,
            site=site,
            item=item,
            quantity=5,
            value_fen=10000,
            source_kind="donated",
            source="新街口爱心企业",
            received_on=today,
        )
    services.kit_pack(scope=scope, site=site, kit=kit, quantity=5)
    services.rule_create(
        scope=scope,
        org=org,
        name="新街口慰问品年度上限",
        kind="yearly_cap",
        regulation="新街口街道工会经费管理规定",
        amount_fen=200000,
    )
    group = services.limit_group_create(
        scope=scope,
        org=org,
        name="新街口冬季送温暖",
        starts_on=today - timedelta(days=5),
        ends_on=today + timedelta(days=5),
    )
    campaign = services.campaign_create(
        scope=scope,
        org=org,
        name="新街口为一线职工送防疫包",
        starts_on=today - timedelta(days=1),
        ends_on=today + timedelta(days=1),
        kit=kit,
        limit_group=group,
    )
    row = services.campaign_site_add(
        scope=scope, campaign=campaign, site=site, staff=[world.users["xinjiekou_officer"]]
    )
    campaign = services.campaign_set_status(scope=scope, campaign=campaign, status="open")
    row.campaign = campaign
    worker = Worker.objects.filter(org=org).order_by("pk").first()
    voided = services.distribution_register_and_hand_out(
        scope=scope,
        campaign_site=row,
        request_id=uuid.uuid4(),
        name="新街口快递员",
        phone="13966667777",
        employment_form="courier",
    ).distribution
    services.distribution_void(scope=scope, distribution=voided, reason="新街口登记错误")
    services.distribution_hand_out(
        scope=scope, campaign_site=row, worker=worker, request_id=uuid.uuid4()
    )
    role = Role.objects.get(user=world.users["xinjiekou_officer"], org=org)
    role_set_hardship_access(scope=world.scope("xinjiekou_admin"), role=role, allowed=True)
    scope = world.scope("xinjiekou_officer")
    case = services.case_create(
        scope=scope,
        worker=worker,
        reason="illness",
        household_size=2,
        monthly_income_fen=180000,
        household="新街口困难家庭",
        applied_on=today,
    )
    services.case_assess(scope=scope, case=case, assessment="新街口入户核查")
