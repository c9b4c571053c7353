from django import template

register = template.Library()


@register.filter
def yuan(fen) -> str:
    """Fen as yuan with two decimals and thousands separators: 1234500 -> 12,345.00."""
    return f"{(fen or 0) / 100:,.2f}"


@register.filter
def label(key, mapping: dict):
    """``{{ code|label:labels }}``: the label of a code, or the code itself."""
    return mapping.get(key, key) if isinstance(mapping, dict) else key
