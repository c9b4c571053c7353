"""Sending text messages (one-time codes) through a pluggable sender.

``SMS_SENDER`` names a class with ``send(phone, text)``. The demo and development use
``FileSender`` (appends to var/sms/outbox.log, phone masked, so an operator can read the
code); tests use ``MemorySender``. A production deployment writes a small class for its
provider (Aliyun, Tencent Cloud ...) and names it in ``SMS_SENDER``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string

from gonghui.core.pii import mask_phone

logger = logging.getLogger(__name__)


def send_sms(phone: str, text: str) -> None:
    import_string(settings.SMS_SENDER)().send(phone, text)


class FileSender:
    """Appends each message to var/sms/outbox.log with the phone masked."""

    def send(self, phone: str, text: str) -> None:
        outbox = Path(settings.VAR_DIR) / "sms" / "outbox.log"
        outbox.parent.mkdir(parents=True, exist_ok=True)
        line = f"{timezone.localtime():%Y-%m-%d %H:%M:%S} {mask_phone(phone)} {text}\n"
        with outbox.open("a", encoding="utf-8") as handle:
            handle.write(line)
        logger.info("SMS to %s queued in %s", mask_phone(phone), outbox)


@dataclass
class SentMessage:
    phone: str
    text: str


class MemorySender:
    """Keeps messages in ``MemorySender.outbox`` (tests read the codes from there)."""

    outbox: list[SentMessage] = []

    def send(self, phone: str, text: str) -> None:
        MemorySender.outbox.append(SentMessage(phone, text))
