"""Encryption at rest and blind indexes for personal information (DESIGN rule 2).

Resident ID numbers and phone numbers are stored three ways, none of them plain:

- ``<field>_enc``: AES-256-GCM ciphertext, bound to the field's name (so an ID ciphertext
  cannot be passed off as a phone), prefixed with the number of the key that made it, so
  keys can rotate while old rows still decrypt;
- ``<field>_index``: a keyed HMAC-SHA256 of the normalised value (a "blind index"), for
  exact lookup and a unique constraint without decrypting anything;
- ``<field>_masked``: what every page shows (``110101********123X``, ``138****5678``).

The keys live in a JSON key file outside the database (``GONGHUI_KEY_FILE``), so a database
dump or backup reveals nothing on its own. ``manage.py rotate_keys`` adds new keys and
re-encrypts and re-indexes every protected column.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger(__name__)

FORMAT = 1  # first byte of every ciphertext
NONCE_BYTES = 12
INDEX_HEX_CHARS = 32  # 128 bits of the HMAC: collisions are out of reach at any scale


class KeyFileError(RuntimeError):
    """The key file is missing a key a stored value needs, or cannot be read."""


@dataclass(frozen=True)
class Keyring:
    """Encryption keys by number (the active one encrypts), and the blind-index key."""

    encryption_keys: dict[int, bytes]
    active: int
    index_key: bytes
    index_key_id: int
    pending_index_key: bytes | None = None
    pending_index_key_id: int | None = None

    def to_json(self) -> dict:
        data = {
            "format": 1,
            "active": self.active,
            "encryption_keys": {str(n): _b64(k) for n, k in sorted(self.encryption_keys.items())},
            "index_key": {"id": self.index_key_id, "key": _b64(self.index_key)},
        }
        if self.pending_index_key is not None:
            data["pending_index_key"] = {
                "id": self.pending_index_key_id,
                "key": _b64(self.pending_index_key),
            }
        return data

    @classmethod
    def from_json(cls, data: dict) -> Keyring:
        pending = data.get("pending_index_key")
        return cls(
            encryption_keys={int(n): _unb64(k) for n, k in data["encryption_keys"].items()},
            active=int(data["active"]),
            index_key=_unb64(data["index_key"]["key"]),
            index_key_id=int(data["index_key"]["id"]),
            pending_index_key=_unb64(pending["key"]) if pending else None,
            pending_index_key_id=int(pending["id"]) if pending else None,
        )

    @classmethod
    def generate(cls) -> Keyring:
        return cls({1: secrets.token_bytes(32)}, 1, secrets.token_bytes(32), 1)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: str) -> bytes:
    return base64.b64decode(text)


_lock = threading.Lock()
_keyring: Keyring | None = None


def key_file() -> Path:
    return Path(settings.GONGHUI_KEY_FILE)


def keyring() -> Keyring:
    """The keys, read once per process; a first run creates the file (mode 0600)."""
    global _keyring
    if _keyring is None:
        with _lock:
            if _keyring is None:
                _keyring = _load_or_create(key_file())
    return _keyring


def _load_or_create(path: Path) -> Keyring:
    if path.exists():
        try:
            return Keyring.from_json(json.loads(path.read_text()))
        except (ValueError, KeyError) as exc:
            raise KeyFileError(f"The key file {path} cannot be read: {type(exc).__name__}") from exc
    logger.warning("No data-protection key file at %s: generating a new one", path)
    ring = Keyring.generate()
    save_keyring(ring, path)
    return ring


def save_keyring(ring: Keyring, path: Path | None = None) -> None:
    """Write the key file atomically, readable by its owner only."""
    global _keyring
    path = path or key_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        json.dump(ring.to_json(), handle, indent=2)
    os.replace(partial, path)
    _keyring = ring


@receiver(setting_changed)
def _forget_keys(*, setting, **kwargs) -> None:
    global _keyring
    if setting in {"GONGHUI_KEY_FILE", "VAR_DIR"}:
        _keyring = None


def reset_keyring_cache() -> None:
    global _keyring
    _keyring = None


# Encryption

# Cipher objects by key: building one costs more than using it, and a
# million-row import uses the same two keys a million times.
_ciphers: dict[bytes, AESGCM] = {}


def _cipher(key: bytes) -> AESGCM:
    cipher = _ciphers.get(key)
    if cipher is None:
        cipher = _ciphers[key] = AESGCM(key)
    return cipher


def encrypt(field: str, plaintext: str, ring: Keyring | None = None) -> bytes:
    ring = ring or keyring()
    nonce = os.urandom(NONCE_BYTES)
    sealed = _cipher(ring.encryption_keys[ring.active]).encrypt(
        nonce, plaintext.encode(), field.encode()
    )
    return bytes((FORMAT, ring.active)) + nonce + sealed


def decrypt(field: str, token: bytes | memoryview, ring: Keyring | None = None) -> str:
    ring = ring or keyring()
    token = bytes(token)
    if len(token) < 2 + NONCE_BYTES or token[0] != FORMAT:
        raise KeyFileError("not a Gonghui ciphertext")
    key = ring.encryption_keys.get(token[1])
    if key is None:
        raise KeyFileError(f"encryption key {token[1]} is not in the key file")
    nonce, sealed = token[2 : 2 + NONCE_BYTES], token[2 + NONCE_BYTES :]
    return _cipher(key).decrypt(nonce, sealed, field.encode()).decode()


def key_number(token: bytes | memoryview) -> int:
    return bytes(token[:2])[1]


# Blind indexes


def blind_index(field: str, normalised: str, ring: Keyring | None = None, *, key=None) -> str:
    """The keyed hash used for exact lookup; ``normalised`` must already be canonical."""
    secret = key or (ring or keyring()).index_key
    hashes = _hmac_states.get(secret)
    if hashes is None:
        hashes = _hmac_states[secret] = _hmac_sha256_states(secret)
    inner, outer = hashes[0].copy(), hashes[1].copy()
    inner.update(f"{field}:{normalised}".encode())
    outer.update(inner.digest())
    return outer.digest()[: INDEX_HEX_CHARS // 2].hex()


# HMAC-SHA256 (RFC 2104) with the key's padded inner and outer hashes computed once per
# key and copied per value: a third of the cost of hmac.digest, which sets the key up on
# every call, and a million-row import computes two million indexes. hmac.digest stays the
# reference (tests/test_crypto.py shows the two agree).
_hmac_states: dict[bytes, tuple] = {}


def _hmac_sha256_states(key: bytes) -> tuple:
    if len(key) > 64:  # the block size
        key = hashlib.sha256(key).digest()
    key = key.ljust(64, b"\0")
    inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
    outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
    return inner, outer


@dataclass(frozen=True)
class Protected:
    """The three stored forms of one personal value."""

    enc: bytes
    index: str
    masked: str


def protect(field: str, normalised: str, masked: str, ring: Keyring | None = None) -> Protected:
    ring = ring or keyring()
    return Protected(encrypt(field, normalised, ring), blind_index(field, normalised, ring), masked)
