"""Care records for tests, written through the services like real ones."""

import uuid
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from gonghui.care import services
from gonghui.care.models import CampaignSite, CareCampaign, Item, Site
from gonghui.core.scope import system_scope


@dataclass
class CareSetup:
    milk: Item
    oil: Item
    kit: Item
    sites: list[Site]
    campaign: CareCampaign
    campaign_sites: list[CampaignSite]


def today() -> date:
    return timezone.localdate()


def make_care(
    world,
    org_code: str = "bj-dc-lt",
    *,
    by: str = "longtan_officer",
    kits: int = 10,
    sites: int = 2,
    open_campaign: bool = True,
    **campaign_fields,
) -> CareSetup:
    """Milk and oil, a kit of one of each, ``sites`` sites each holding ``kits`` packed kits,
    and a campaign handing the kit out at every site (open today unless told otherwise)."""
    scope = world.scope(by)
    org = world.org(org_code)
    suffix = campaign_fields.get("name", "")
    milk = services.item_create(
        scope=scope, org=org, name=f"牛奶{suffix}", unit="箱", category="drink", unit_value_fen=6000
    )
    oil = services.item_create(
        scope=scope,
        org=org,
        name=f"食用油{suffix}",
        unit="桶",
        category="food",
        unit_value_fen=8000,
    )
    kit = services.kit_create(
        scope=scope, org=org, name=f"慰问包{suffix}", components=[(milk, 1), (oil, 1)]
    )
    made = []
    for n in range(sites):
        site = services.site_create(scope=scope, org=org, name=f"发放点{n + 1}{suffix}")
        if kits:
            for item in (milk, oil):
                services.stock_receive(
                    scope=scope,
                    site=site,
                    item=item,
                    quantity=kits,
                    value_fen=kits * item.unit_value_fen,
                    source_kind="bought",
                    source="物美超市",
                    received_on=today(),
                )
            services.kit_pack(scope=scope, site=site, kit=kit, quantity=kits)
        made.append(site)
    fields = {
        "name": "温暖战疫职工",
        "starts_on": today() - timedelta(days=3),
        "ends_on": today() + timedelta(days=3),
        **campaign_fields,
    }
    campaign = services.campaign_create(scope=scope, org=org, kit=kit, **fields)
    rows = [services.campaign_site_add(scope=scope, campaign=campaign, site=s) for s in made]
    if open_campaign:
        campaign = services.campaign_set_status(scope=scope, campaign=campaign, status="open")
        for row in rows:
            row.campaign = campaign
    return CareSetup(milk, oil, kit, made, campaign, rows)


def hand_out(world, row: CampaignSite, worker, *, by: str = "longtan_officer", request_id=None):
    return services.distribution_hand_out(
        scope=world.scope(by),
        campaign_site=row,
        worker=worker,
        request_id=request_id or uuid.uuid4(),
    )


def operator_scope(world):
    return system_scope(world.org("acftu"))
