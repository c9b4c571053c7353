from django.urls import path

from gonghui.care.views import campaigns, hardship, scan, stock

app_name = "care"

CAMPAIGN = "campaigns/<int:carecampaign_id>/"
SITE = CAMPAIGN + "sites/<int:campaignsite_id>/"

urlpatterns = [
    path("", campaigns.campaign_list, name="campaigns"),
    path("campaigns/new/", campaigns.campaign_create, name="campaign_create"),
    path(CAMPAIGN, campaigns.campaign_detail, name="campaign"),
    path(CAMPAIGN + "status/", campaigns.campaign_status, name="campaign_status"),
    path(CAMPAIGN + "sites/", campaigns.campaign_site_add, name="campaign_site_add"),
    path(SITE, scan.scan_page, name="scan_page"),
    path(SITE + "scan/", scan.scan, name="scan"),
    path(SITE + "register/", scan.register, name="register"),
    path("hand-outs/", campaigns.distribution_list, name="distributions"),
    path("hand-outs/export.xlsx", campaigns.distribution_export, name="distribution_export"),
    path("hand-outs/<int:distribution_id>/void/", scan.void, name="void"),
    path("figures.xlsx", campaigns.figures_export, name="figures_export"),
    path("stock/", stock.stock, name="stock"),
    path("stock/receive/", stock.receive, name="receive"),
    path("stock/transfer/", stock.transfer, name="transfer"),
    path("stock/adjust/", stock.adjust, name="adjust"),
    path("stock/pack/", stock.pack, name="pack"),
    path("supplies/", stock.supplies, name="supplies"),
    path("supplies/new/", stock.item_create, name="item_create"),
    path("kits/new/", stock.kit_create, name="kit_create"),
    path("sites/new/", stock.site_create, name="site_create"),
    path("rules/new/", stock.rule_create, name="rule_create"),
    path("limit-groups/new/", stock.limit_group_create, name="limit_group_create"),
    path("hardship/", hardship.hardship_list, name="hardship"),
    path("hardship/new/", hardship.hardship_create, name="hardship_create"),
    path("hardship/<int:hardshipcase_id>/", hardship.hardship_detail, name="hardship_case"),
    *[
        path(
            f"hardship/<int:hardshipcase_id>/{action}/",
            hardship.hardship_action,
            {"action": action},
            name=f"hardship_{action}",
        )
        for action in hardship.ACTIONS
    ],
]
