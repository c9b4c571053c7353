from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.selectors import staff_role_counts
from gonghui.core.console import FigureCard, FigureRow, NavItem, register_figures, register_nav
from gonghui.core.permissions import Perm, RoleKind
from gonghui.core.scope import Scope

register_nav(
    NavItem(
        "staff",
        _("Staff accounts"),
        "accounts:staff_list",
        icon="users",
        perm=Perm.MANAGE_STAFF,
        order=800,
    )
)


@register_figures(order=20)
def staff_figures(scope: Scope) -> list[FigureCard]:
    total, by_kind = staff_role_counts(scope)
    url = reverse("accounts:staff_list") if scope.can_anywhere(Perm.MANAGE_STAFF) else ""
    rows = [FigureRow(kind.label, by_kind.get(kind.value, 0)) for kind in RoleKind]
    return [FigureCard("staff", _("Staff accounts"), total, _("accounts"), url, rows)]
