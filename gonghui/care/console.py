from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from gonghui.care.models import AssistanceKind, HardshipStatus
from gonghui.care.selectors import care_figures, hardship_totals, stock_totals
from gonghui.core.console import FigureCard, FigureRow, NavItem, register_figures, register_nav
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope

register_nav(NavItem("care", _("Relief campaigns"), "care:campaigns", icon="gift", order=40))
register_nav(NavItem("care_stock", _("Relief stock"), "care:stock", icon="box", order=41))
register_nav(
    NavItem(
        "hardship", _("Hardship files"), "care:hardship", icon="heart", perm=Perm.HARDSHIP, order=45
    )
)


@register_figures(order=40)
def care_cards(scope: Scope) -> list[FigureCard]:
    """送温暖: person-times and people by group, value handed out, stock left."""
    figures = care_figures(scope)
    url = reverse("care:distributions")
    rows = [
        FigureRow(_("Distinct people"), figures.people, url),
        FigureRow(_("Value handed out (yuan)"), figures.value_fen // 100, url),
    ]
    rows += [
        FigureRow(line.label, line.person_times, f"{url}?{line.query}")
        for line in figures.by_target[:6]
    ]
    stock_url = reverse("care:stock")
    stock = stock_totals(scope)
    cards = [
        FigureCard(
            "care",
            _("Relief hand-outs"),
            figures.person_times,
            _("person-times"),
            url,
            rows,
            as_of=figures.as_of,
        ),
        FigureCard(
            "care_stock",
            _("Relief stock"),
            sum(r["qty"] for r in stock if r["item__is_kit"]),
            _("kits packed"),
            stock_url,
            [
                FigureRow(
                    f"{r['item__name']}（{r['item__unit']}）",
                    r["qty"],
                    f"{stock_url}?item={r['item_id']}",
                )
                for r in stock[:8]
            ],
        ),
    ]
    if scope.can_anywhere(Perm.HARDSHIP):
        totals = hardship_totals(scope)
        hardship_url = reverse("care:hardship")
        help_rows = [
            FigureRow(
                _("%(kind)s given (yuan)") % {"kind": kind.label},
                totals["by_kind"].get(kind.value, 0) // 100,
                hardship_url,
            )
            for kind in AssistanceKind
        ]
        status_rows = [
            FigureRow(
                status.label,
                totals["by_status"].get(status.value, 0),
                f"{hardship_url}?status={status.value}",
            )
            for status in HardshipStatus
        ]
        cards.append(
            FigureCard(
                "hardship",
                _("Hardship files"),
                totals["total"],
                _("files"),
                hardship_url,
                status_rows + help_rows,
            )
        )
    return cards
