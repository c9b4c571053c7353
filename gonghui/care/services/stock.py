"""Supplies, kits, sites and stock: receipts, transfers, adjustments and packing.

Every balance change goes through ``apply_changes``: balances are touched in one order
(site, item) so concurrent transactions never wait on each other in a cycle; a decrease is
``UPDATE ... SET quantity = quantity - n WHERE quantity >= n`` and finding no row means the
stock is short, so the whole transaction is refused and nothing moves.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils.translation import gettext as _

from gonghui.care.models import (
    Item,
    ItemCategory,
    KitComponent,
    MovementKind,
    Receipt,
    Site,
    SourceKind,
    StockBalance,
    StockMovement,
)
from gonghui.core import fastsql
from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError, ConflictError
from gonghui.core.fastsql import insert_parts
from gonghui.core.identity import normalise_text
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.orgs.models import Org, OrgStatus

MAX_QUANTITY = 1_000_000
MAX_VALUE_FEN = 10_000_000_000  # 1 亿元


@dataclass(frozen=True)
class Change:
    site: Site
    item: Item
    delta: int


class StockShort(ApplicationError):
    """A decrease found less stock than it needs; nothing was changed."""

    def __init__(self, site: Site, item: Item, need: int) -> None:
        have = (
            StockBalance.objects.filter(site=site, item=item).values_list("quantity", flat=True)
        ).first() or 0
        super().__init__(
            _("Not enough %(item)s at %(site)s: %(have)s %(unit)s there, %(need)s needed.")
            % {"item": item.name, "site": site.name, "have": have, "need": need, "unit": item.unit},
            code="stock_short",
            fields={"quantity": [_("Not enough stock.")]},
        )


def _put_sql() -> str:
    table = StockBalance._meta.db_table
    return (
        f"INSERT INTO {table} (org_id, site_id, item_id, quantity) VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (site_id, item_id) DO UPDATE SET quantity = {table}.quantity + "
        "excluded.quantity"
    )


def apply_changes(
    changes: list[Change],
    *,
    kind_of,
    by,
    batch=None,
    note: str = "",
    receipt=None,
    distribution=None,
    at=None,
) -> None:
    """Change several balances at once, inside the caller's transaction; ``kind_of(change)``
    names each movement. Raises StockShort (and the caller's transaction rolls back) if any
    decrease finds too little."""
    batch = batch or uuid.uuid4()
    movements = []
    for change in sorted(changes, key=lambda c: (c.site.pk, c.item.pk)):
        extra = {"at": at} if at else {}
        movement = StockMovement(
            org_id=change.site.org_id,
            site=change.site,
            item=change.item,
            delta=change.delta,
            kind=kind_of(change),
            batch=batch,
            note=note,
            receipt=receipt,
            distribution=distribution,
            by=by,
            **extra,
        )
        if change.delta < 0:
            if not _take(change, movement):
                raise StockShort(change.site, change.item, -change.delta)
            continue
        with connection.cursor() as cursor:
            cursor.execute(
                _put_sql(), [change.site.org_id, change.site.pk, change.item.pk, change.delta]
            )
        movements.append(movement)
    StockMovement.objects.bulk_create(movements)


def _take(change: Change, movement: StockMovement) -> bool:
    """Decrease one balance by conditional update, only if enough is there, and write its
    ledger row; False (nothing written) if the stock is short. On PostgreSQL one statement
    does both: a hand-out is a hot path."""
    need = -change.delta
    if connection.vendor != "postgresql":
        taken = StockBalance.objects.filter(
            site=change.site, item=change.item, quantity__gte=need
        ).update(quantity=F("quantity") - need)
        if taken:
            movement.save(force_insert=True)
        return bool(taken)
    table, columns, marks, values = insert_parts(movement)
    sql = (
        f"WITH taken AS (UPDATE {StockBalance._meta.db_table} SET quantity = quantity - %s "
        "WHERE site_id = %s AND item_id = %s AND quantity >= %s RETURNING 1) "
        f"INSERT INTO {table} {columns} SELECT {marks} FROM taken"
    )
    with fastsql.cursor() as cursor:
        cursor.execute(sql, [need, change.site.pk, change.item.pk, need, *values])
        return cursor.rowcount == 1


def _actor(scope: Scope):
    return scope.user if getattr(scope.user, "pk", None) else None


def _active(org: Org) -> None:
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(_("This union is archived."))


def _quantity(value, field: str = "quantity") -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= MAX_QUANTITY:
        raise ApplicationError(
            _("Enter a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY},
            fields={field: [_("Enter a whole number from 1 to %(max)s.") % {"max": MAX_QUANTITY}]},
        )
    return value


def _text(value: str, field: str, limit: int, *, required: bool = True) -> str:
    text = normalise_text(value)
    if required and not text:
        raise ApplicationError(
            _("Please correct the marked fields."), fields={field: [_("Required.")]}
        )
    if len(text) > limit:
        raise ApplicationError(
            _("Please correct the marked fields."),
            fields={field: [_("At most %(n)d characters.") % {"n": limit}]},
        )
    return text


def _value(value_fen, field: str = "value") -> int:
    if not isinstance(value_fen, int) or not 0 <= value_fen <= MAX_VALUE_FEN:
        raise ApplicationError(
            _("Please correct the marked fields."), fields={field: [_("Enter an amount in yuan.")]}
        )
    return value_fen


def _unique(create, message: str, field: str = "name"):
    try:
        with transaction.atomic():
            return create()
    except IntegrityError:
        raise ConflictError(message, fields={field: [message]}) from None


def item_create(
    *, scope: Scope, org: Org, name: str, unit: str, category: str, unit_value_fen: int
) -> Item:
    """A supply a union keeps (牛奶, 食用油, N95口罩 ...), valued per unit for reports and caps."""
    scope.require(Perm.EDIT, org)
    _active(org)
    name, unit = _text(name, "name", 60), _text(unit, "unit", 10)
    if category not in ItemCategory.values or category == ItemCategory.KIT:
        raise ApplicationError(_("Choose a category."), fields={"category": [_("Invalid.")]})
    _value(unit_value_fen, "unit_value")
    with transaction.atomic():
        item = _unique(
            lambda: Item.objects.create(
                org=org, name=name, unit=unit, category=category, unit_value_fen=unit_value_fen
            ),
            _("A supply of this name already exists in this union."),
        )
        audit_record(
            action="care.item_create",
            scope=scope,
            org=org,
            target=item,
            after={
                "name": name,
                "unit": unit,
                "category": category,
                "unit_value_fen": unit_value_fen,
            },
        )
    return item


def kit_create(
    *, scope: Scope, org: Org, name: str, components: list[tuple[Item, int]], unit: str = ""
) -> Item:
    """A kit type (防疫包): items and how many of each. Its value is the sum of theirs."""
    scope.require(Perm.EDIT, org)
    _active(org)
    name = _text(name, "name", 60)
    unit = _text(unit or "份", "unit", 10)  # the usual measure word of a packed kit
    if not components:
        raise ApplicationError(
            _("A kit needs at least one supply."), fields={"components": [_("Required.")]}
        )
    seen = set()
    for item, quantity in components:
        _quantity(quantity, "components")
        if item.is_kit or not org.path.startswith(_org_path(item)) or item.pk in seen:
            raise ApplicationError(
                _("A kit is made of distinct supplies of this union or the unions above it."),
                fields={"components": [_("Invalid.")]},
            )
        seen.add(item.pk)
    value = sum(item.unit_value_fen * quantity for item, quantity in components)
    with transaction.atomic():
        kit = _unique(
            lambda: Item.objects.create(
                org=org,
                name=name,
                unit=unit,
                category=ItemCategory.KIT,
                unit_value_fen=value,
                is_kit=True,
            ),
            _("A supply of this name already exists in this union."),
        )
        KitComponent.objects.bulk_create(
            KitComponent(kit=kit, item=item, quantity=quantity) for item, quantity in components
        )
        audit_record(
            action="care.kit_create",
            scope=scope,
            org=org,
            target=kit,
            after={
                "name": name,
                "components": {i.name: q for i, q in components},
                "unit_value_fen": value,
            },
        )
    return kit


def _org_path(item: Item) -> str:
    return Org.objects.filter(pk=item.org_id).values_list("path", flat=True).first() or "-"


def site_create(*, scope: Scope, org: Org, name: str, address: str = "") -> Site:
    scope.require(Perm.EDIT, org)
    _active(org)
    name, address = _text(name, "name", 60), _text(address, "address", 200, required=False)
    with transaction.atomic():
        site = _unique(
            lambda: Site.objects.create(org=org, name=name, address=address),
            _("A site of this name already exists in this union."),
        )
        audit_record(
            action="care.site_create",
            scope=scope,
            org=org,
            target=site,
            after={"name": name, "address": address},
        )
    return site


def _usable(scope: Scope, site: Site, item: Item) -> None:
    """The site must be the acting user's to change, and the item one its union may use:
    its own or one of the unions above it."""
    scope.require(Perm.EDIT, site.org)
    if not site.org.path.startswith(_org_path(item)):
        raise ApplicationError(
            _("This supply belongs to another union."), fields={"item": [_("Invalid.")]}
        )


def stock_receive(
    *,
    scope: Scope,
    site: Site,
    item: Item,
    quantity: int,
    value_fen: int,
    source_kind: str,
    source: str,
    received_on: date,
) -> Receipt:
    """Supplies coming in, donated, bought or allocated, with their source and value."""
    _usable(scope, site, item)
    _quantity(quantity)
    _value(value_fen)
    source = _text(source, "source", 100)
    if source_kind not in SourceKind.values:
        raise ApplicationError(
            _("Choose how the supplies were obtained."), fields={"source_kind": [_("Invalid.")]}
        )
    if item.is_kit:
        raise ApplicationError(
            _("Kits are packed from supplies here, not received."),
            fields={"item": [_("Receive the supplies, then pack kits.")]},
        )
    with transaction.atomic():
        receipt = Receipt.objects.create(
            org_id=site.org_id,
            site=site,
            item=item,
            quantity=quantity,
            value_fen=value_fen,
            source_kind=source_kind,
            source=source,
            received_on=received_on,
            created_by=_actor(scope),
        )
        apply_changes(
            [Change(site, item, quantity)],
            kind_of=lambda c: MovementKind.RECEIPT,
            by=_actor(scope),
            receipt=receipt,
        )
        audit_record(
            action="care.stock_receive",
            scope=scope,
            org=site.org,
            target=receipt,
            after={
                "site": site.name,
                "item": item.name,
                "quantity": quantity,
                "value_fen": value_fen,
                "source_kind": source_kind,
                "source": source,
                "received_on": received_on.isoformat(),
            },
        )
    return receipt


def stock_transfer(
    *, scope: Scope, from_site: Site, to_site: Site, item: Item, quantity: int, note: str = ""
) -> uuid.UUID:
    """Move stock between two sites of the subtree in one step; refused whole if short."""
    _usable(scope, from_site, item)
    _usable(scope, to_site, item)
    _quantity(quantity)
    if from_site.pk == to_site.pk:
        raise ApplicationError(
            _("Choose two different sites."), fields={"to_site": [_("Invalid.")]}
        )
    note = _text(note, "note", 200, required=False)
    batch = uuid.uuid4()
    kinds = {from_site.pk: MovementKind.TRANSFER_OUT, to_site.pk: MovementKind.TRANSFER_IN}
    with transaction.atomic():
        apply_changes(
            [Change(from_site, item, -quantity), Change(to_site, item, quantity)],
            kind_of=lambda c: kinds[c.site.pk],
            by=_actor(scope),
            batch=batch,
            note=note,
        )
        audit_record(
            action="care.stock_transfer",
            scope=scope,
            org=from_site.org,
            target=item,
            extra={
                "from": from_site.name,
                "to": to_site.name,
                "quantity": quantity,
                "note": note,
                "batch": str(batch),
            },
        )
    return batch


def stock_adjust(*, scope: Scope, site: Site, item: Item, delta: int, reason: str) -> None:
    """Correct the stock (damaged, expired, found at a count) with the reason; never below 0."""
    _usable(scope, site, item)
    if not isinstance(delta, int) or delta == 0 or abs(delta) > MAX_QUANTITY:
        raise ApplicationError(
            _("Enter how many more (positive) or fewer (negative)."),
            fields={"delta": [_("Invalid.")]},
        )
    reason = _text(reason, "reason", 200)
    with transaction.atomic():
        apply_changes(
            [Change(site, item, delta)],
            kind_of=lambda c: MovementKind.ADJUST,
            by=_actor(scope),
            note=reason,
        )
        audit_record(
            action="care.stock_adjust",
            scope=scope,
            org=site.org,
            target=item,
            extra={"site": site.name, "delta": delta, "reason": reason},
        )


def kit_components(kit: Item) -> list[tuple[Item, int]]:
    return [(c.item, c.quantity) for c in kit.components.select_related("item").order_by("item")]


def kit_pack(*, scope: Scope, site: Site, kit: Item, quantity: int) -> uuid.UUID:
    """分装: turn supplies at ``site`` into ``quantity`` kits in one step; if any supply is
    short nothing is packed."""
    _usable(scope, site, kit)
    _quantity(quantity)
    if not kit.is_kit:
        raise ApplicationError(_("Choose a kit."), fields={"kit": [_("Invalid.")]})
    changes = [Change(site, item, -n * quantity) for item, n in kit_components(kit)]
    changes.append(Change(site, kit, quantity))
    batch = uuid.uuid4()
    with transaction.atomic():
        apply_changes(
            changes,
            by=_actor(scope),
            batch=batch,
            kind_of=lambda c: MovementKind.PACK_IN if c.item.is_kit else MovementKind.PACK_OUT,
        )
        audit_record(
            action="care.kit_pack",
            scope=scope,
            org=site.org,
            target=kit,
            extra={"site": site.name, "kits": quantity, "batch": str(batch)},
        )
    return batch
