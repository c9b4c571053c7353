"""Workers prove they hold a phone with a texted one-time code (H5 sign-in).

Nothing here is audited as a change to the register: a code is a short-lived security
token, not a record. What a signed-in worker then does (apply, hand-out, quiz) is.
"""

from __future__ import annotations

import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.crypto import blind_index
from gonghui.core.errors import ApplicationError
from gonghui.core.identity import IdentityError, check_mobile, normalise_phone
from gonghui.core.sms import send_sms
from gonghui.members.models import OneTimeCode, Worker

MAX_ATTEMPTS = 5


def phone_key(phone: str) -> tuple[str, str]:
    """(normalised mobile, its blind index); a bad number raises with the reason."""
    number = normalise_phone(phone)
    try:
        check_mobile(number)
    except IdentityError as exc:
        raise ApplicationError(str(exc.reason), fields={"phone": [str(exc.reason)]}) from None
    return number, blind_index("phone", number)


def _code_hash(phone_index: str, code: str) -> str:
    return blind_index("otp", f"{phone_index}:{code}")


def otp_request(*, phone: str, purpose: str = "sign_in", ip: str | None = None) -> None:
    """Text a fresh six-digit code, unless this phone or address asked too often."""
    number, index = phone_key(phone)
    now = timezone.now()
    recent = OneTimeCode.objects.filter(phone_index=index, created_at__gte=now - timedelta(hours=1))
    wait = settings.OTP_RESEND_SECONDS
    if recent.filter(created_at__gte=now - timedelta(seconds=wait)).exists():
        raise ApplicationError(
            _("A code was just sent; wait %(s)s seconds before asking again.") % {"s": wait},
            code="rate_limited",
        )
    too_many = recent.count() >= settings.OTP_MAX_PER_HOUR or (
        ip
        and OneTimeCode.objects.filter(ip=ip, created_at__gte=now - timedelta(hours=1)).count()
        >= settings.OTP_MAX_PER_IP_PER_HOUR
    )
    if too_many:
        raise ApplicationError(
            _("Too many codes were asked for; try again in an hour."), code="rate_limited"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    OneTimeCode.objects.create(
        phone_index=index,
        code_hash=_code_hash(index, code),
        purpose=purpose,
        ip=ip,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    send_sms(
        number,
        _("[Union] Your code is %(code)s, valid for %(m)s minutes. Do not share it with anyone.")
        % {"code": code, "m": minutes},
    )


def otp_verify(*, phone: str, code: str, purpose: str = "sign_in") -> str:
    """The phone's blind index if ``code`` is its latest live code; each code works once.

    Attempts and use are conditional updates, so two submissions of one code at the same
    moment cannot both succeed, and guessing stops after a few tries."""
    _number, index = phone_key(phone)
    now = timezone.now()
    live = OneTimeCode.objects.filter(
        phone_index=index, purpose=purpose, used_at=None, expires_at__gt=now
    ).order_by("-created_at")
    candidate = live.first()
    wrong = ApplicationError(
        _("The code is wrong or has expired."),
        fields={"code": [_("The code is wrong or has expired.")]},
    )
    if candidate is None:
        raise wrong
    counted = OneTimeCode.objects.filter(pk=candidate.pk, attempts__lt=MAX_ATTEMPTS).update(
        attempts=F("attempts") + 1
    )
    if not counted:
        raise ApplicationError(_("Too many wrong tries; ask for a new code."), code="rate_limited")
    if not hmac.compare_digest(candidate.code_hash, _code_hash(index, (code or "").strip())):
        raise wrong
    if not OneTimeCode.objects.filter(pk=candidate.pk, used_at=None).update(used_at=now):
        raise wrong  # used by a submission a moment earlier
    return index


def worker_for_phone_index(phone_index: str) -> Worker | None:
    """The register's worker with this phone (the most recently updated, if several)."""
    return (
        Worker.objects.filter(phone_index=phone_index)
        .select_related("org", "employer")
        .order_by("-updated_at", "-pk")
        .first()
    )
