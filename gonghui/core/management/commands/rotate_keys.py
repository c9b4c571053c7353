"""``manage.py rotate_keys``: new data-protection keys, and every protected value re-encrypted
and re-indexed with them.

A model declares its protected values with ``protected_fields = ("id_number", ...)`` and
stores each as ``<field>_enc`` / ``<field>_index``. The blind index must change for every
row at once (lookups and the unique constraint depend on it), so the rewrite runs in one
transaction; the new index key is written to the key file as "pending" first, so a run cut
off at any point is finished or undone by the next run.
"""

import secrets
import time
from dataclasses import replace

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from gonghui.core.audit import audit_record
from gonghui.core.context import CLI_META, reset_meta, set_meta
from gonghui.core.crypto import Keyring, blind_index, decrypt, encrypt, keyring, save_keyring

BATCH = 2000


def protected_models():
    return [m for m in apps.get_models() if getattr(m, "protected_fields", None)]


def _sample_uses(ring: Keyring, index_key: bytes) -> bool | None:
    """Does the stored data use ``index_key``? None when there is nothing stored."""
    for model in protected_models():
        for field in model.protected_fields:
            row = (
                model.objects.exclude(**{f"{field}_enc": None})
                .values_list(f"{field}_enc", f"{field}_index")
                .first()
            )
            if row:
                plain = decrypt(field, row[0], ring)
                return blind_index(field, plain, key=index_key) == row[1]
    return None


def _finish(ring: Keyring) -> Keyring:
    done = replace(
        ring,
        index_key=ring.pending_index_key,
        index_key_id=ring.pending_index_key_id,
        pending_index_key=None,
        pending_index_key_id=None,
    )
    save_keyring(done)
    return done


class Command(BaseCommand):
    help = "Add new data-protection keys and re-encrypt and re-index all personal data."

    def handle(self, *args, **options) -> None:
        token = set_meta(CLI_META)
        try:
            self._rotate()
        finally:
            reset_meta(token)

    def _rotate(self) -> None:
        ring = keyring()
        if ring.pending_index_key is not None:
            if _sample_uses(ring, ring.pending_index_key):
                self.stdout.write("A previous rotation had finished; recording its new keys.")
                _finish(ring)
                return
            ring = replace(ring, pending_index_key=None, pending_index_key_id=None)
        number = max(ring.encryption_keys) + 1
        if number > 255:
            raise SystemExit("Too many encryption keys: remove unused old keys first.")
        ring = replace(
            ring,
            encryption_keys={**ring.encryption_keys, number: secrets.token_bytes(32)},
            active=number,
            pending_index_key=secrets.token_bytes(32),
            pending_index_key_id=ring.index_key_id + 1,
        )
        save_keyring(ring)  # pending first: a crash below leaves a state the next run fixes
        started = time.monotonic()
        with transaction.atomic():
            total = sum(self._rewrite(model, ring) for model in protected_models())
            audit_record(action="keys.rotate", extra={"values": total, "key": number})
        _finish(ring)
        self.stdout.write(
            f"Re-encrypted and re-indexed {total} values with key {number} "
            f"({time.monotonic() - started:.1f} s). Back up the key file now."
        )

    def _rewrite(self, model, ring: Keyring) -> int:
        fields = model.protected_fields
        columns = [c for f in fields for c in (f"{f}_enc", f"{f}_index")]
        count, last = 0, 0
        while True:
            rows = list(
                model.objects.filter(pk__gt=last).order_by("pk").only("pk", *columns)[:BATCH]
            )
            if not rows:
                return count
            for row in rows:
                for field in fields:
                    token = getattr(row, f"{field}_enc")
                    if token is None:
                        continue
                    plain = decrypt(field, token, ring)
                    setattr(row, f"{field}_enc", encrypt(field, plain, ring))
                    setattr(
                        row, f"{field}_index", blind_index(field, plain, key=ring.pending_index_key)
                    )
                    count += 1
            # the unique index on *_index is checked per statement, and every new value
            # differs from every old one, so row-by-row updates cannot collide
            model.objects.bulk_update(rows, columns, batch_size=500)
            last = rows[-1].pk
            self.stderr.write(f"\r{model._meta.label}: {count} values", ending="")
