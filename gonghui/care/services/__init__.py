"""Every write of relief campaigns: one function per use case, scoped, audited, and refused
by the database wherever something could be counted twice."""

from gonghui.care.services.campaigns import (
    RuleBroken,
    campaign_create,
    campaign_set_status,
    campaign_site_add,
    limit_group_create,
    rule_create,
    rule_set_active,
)
from gonghui.care.services.distributions import (
    AlreadyReceived,
    HandOut,
    distribution_hand_out,
    distribution_register_and_hand_out,
    distribution_void,
    find_recipient,
    find_recipient_beside,
)
from gonghui.care.services.hardship import (
    assistance_add,
    case_assess,
    case_create,
    case_decide,
    case_review,
    case_viewed,
)
from gonghui.care.services.stock import (
    StockShort,
    item_create,
    kit_create,
    kit_pack,
    site_create,
    stock_adjust,
    stock_receive,
    stock_transfer,
)

__all__ = [
    "AlreadyReceived",
    "HandOut",
    "RuleBroken",
    "StockShort",
    "assistance_add",
    "campaign_create",
    "campaign_set_status",
    "campaign_site_add",
    "case_assess",
    "case_create",
    "case_decide",
    "case_review",
    "case_viewed",
    "distribution_hand_out",
    "distribution_register_and_hand_out",
    "distribution_void",
    "find_recipient",
    "find_recipient_beside",
    "item_create",
    "kit_create",
    "kit_pack",
    "limit_group_create",
    "rule_create",
    "rule_set_active",
    "site_create",
    "stock_adjust",
    "stock_receive",
    "stock_transfer",
]
