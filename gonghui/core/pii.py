"""Masking of personal information (DESIGN rule 2) for pages, exports and audit events."""

import re
from typing import Any

# Field names whose values are personal information wherever they appear.
SENSITIVE_FIELDS = frozenset({"id_number", "phone", "contact_phone", "mobile"})


def mask_id_number(value: str) -> str:
    """110101199003071234 -> 110101********123X style: keep region code and last four."""
    if not value:
        return ""
    if len(value) <= 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """13812345678 -> 138****5678; other numbers keep only their last four characters."""
    if not value:
        return ""
    if len(value) == 11 and value.isascii() and value.isdigit():  # the usual case
        return f"{value[:3]}****{value[-4:]}"
    digits = re.sub(r"\D", "", value)
    if len(digits) == 11:
        return f"{digits[:3]}****{digits[-4:]}"
    if len(value) <= 4:
        return "*" * len(value)
    return "*" * (len(value) - 4) + value[-4:]


def mask_value(field: str, value: Any) -> Any:
    if field not in SENSITIVE_FIELDS or not isinstance(value, str) or "*" in value:
        return value  # not personal, or masked already
    return mask_id_number(value) if field == "id_number" else mask_phone(value)


def mask_mapping(data: dict[str, Any] | None) -> dict[str, Any]:
    return {key: mask_value(key, value) for key, value in (data or {}).items()}
