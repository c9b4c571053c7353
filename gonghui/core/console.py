"""Registries that apps fill from their own console.py: side navigation and dashboard figures.

Adding a module to the console means adding entries here from the module's app, never
editing the shell's templates.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str = "dot"
    perm: Perm = Perm.VIEW
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


@dataclass
class FigureRow:
    label: str | Promise
    value: int
    url: str = ""


@dataclass
class FigureCard:
    """One dashboard figure: a total, its breakdown and where its records can be seen."""

    key: str
    title: str | Promise
    value: int
    unit: str | Promise = ""
    url: str = ""
    rows: list[FigureRow] = field(default_factory=list)
    as_of: datetime = field(default_factory=timezone.now)


FigureSource = Callable[[Scope], list[FigureCard]]


@dataclass(frozen=True)
class H5Tile:
    """An entry on the worker's mobile home page (find a station, take a quiz, ...)."""

    key: str
    label: str | Promise
    hint: str | Promise
    url_name: str
    order: int = 100

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_nav: dict[str, NavItem] = {}
_h5_tiles: dict[str, H5Tile] = {}
_figures: list[tuple[int, FigureSource]] = []


def register_nav(item: NavItem) -> None:
    _nav[item.key] = item


def register_figures(order: int = 100) -> Callable[[FigureSource], FigureSource]:
    def decorator(func: FigureSource) -> FigureSource:
        if func not in [f for _o, f in _figures]:
            _figures.append((order, func))
            _figures.sort(key=lambda pair: pair[0])
        return func

    return decorator


def register_h5_tile(tile: H5Tile) -> None:
    _h5_tiles[tile.key] = tile


def h5_tiles() -> list[H5Tile]:
    return sorted(_h5_tiles.values(), key=lambda t: t.order)


def nav_for(scope: Scope) -> list[NavItem]:
    return sorted(
        (item for item in _nav.values() if scope.can_anywhere(item.perm)), key=lambda i: i.order
    )


def figures_for(scope: Scope) -> list[FigureCard]:
    cards: list[FigureCard] = []
    for _order, source in _figures:
        cards.extend(source(scope))
    return cards


register_nav(NavItem("dashboard", _("Dashboard"), "core:dashboard", icon="home", order=0))
register_nav(
    NavItem("imports", _("Data imports"), "imports:list", icon="upload", perm=Perm.EDIT, order=850)
)
register_nav(
    NavItem("audit", _("Audit log"), "core:audit", icon="log", perm=Perm.VIEW_AUDIT, order=900)
)
