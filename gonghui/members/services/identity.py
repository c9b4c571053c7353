"""Workers prove they hold a phone with a texted one-time code (H5 sign-in).

Nothing here is audited as a change to the register: a code is a short-lived security
token, not a record. What a signed-in worker then does (apply, hand-out, quiz) is.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core import fastsql
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


_TABLE = OneTimeCode._meta.db_table

# How many codes this phone asked for in the hour and in the resend wait, and how many this
# address asked for in the hour: one statement, each count on its own index.
_ASKED = f"""
SELECT (SELECT count(*) FROM {_TABLE} WHERE phone_index = %s AND created_at >= %s),
       (SELECT count(*) FROM {_TABLE} WHERE phone_index = %s AND created_at >= %s),
       (SELECT count(*) FROM {_TABLE} WHERE ip = %s{{inet}} AND created_at >= %s)
"""  # noqa: S608 (names are ours)


def otp_request(*, phone: str, purpose: str = "sign_in", ip: str | None = None) -> None:
    """Text a fresh six-digit code, unless this phone or address asked too often.

    Every worker of a quiz week passes here, so two plain statements: the counts, the code."""
    number, index = phone_key(phone)
    now = timezone.now()
    wait = settings.OTP_RESEND_SECONDS
    when = connection.ops.adapt_datetimefield_value
    hour_ago, wait_ago = when(now - timedelta(hours=1)), when(now - timedelta(seconds=wait))
    inet = "::inet" if connection.vendor == "postgresql" else ""
    with fastsql.cursor() as cursor:
        cursor.execute(_ASKED.format(inet=inet),
                       [index, hour_ago, index, wait_ago, ip, hour_ago])  # fmt: skip
        this_hour, just_now, from_address = cursor.fetchone()
    if just_now:
        raise ApplicationError(
            _("A code was just sent; wait %(s)s seconds before asking again.") % {"s": wait},
            code="rate_limited",
        )
    if this_hour >= settings.OTP_MAX_PER_HOUR or (
        ip and from_address >= settings.OTP_MAX_PER_IP_PER_HOUR
    ):
        raise ApplicationError(
            _("Too many codes were asked for; try again in an hour."), code="rate_limited"
        )
    code = f"{secrets.randbelow(10**6):06d}"
    code_row = OneTimeCode(
        phone_index=index,
        code_hash=_code_hash(index, code),
        purpose=purpose,
        ip=ip,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.OTP_TTL_SECONDS),
    )
    fastsql.insert(code_row, relaxed=True)  # lost in a crash: the person asks again
    minutes = max(1, settings.OTP_TTL_SECONDS // 60)
    send_sms(
        number,
        _("[Union] Your code is %(code)s, valid for %(m)s minutes. Do not share it with anyone.")
        % {"code": code, "m": minutes},
    )


def otp_pending(*, phone: str, purpose: str = "sign_in") -> bool:
    """Whether the phone holds a code that can still be entered (a page asked for another
    too soon can then show the code field with the reason, not send the person back)."""
    try:
        _number, index = phone_key(phone)
    except ApplicationError:
        return False
    return OneTimeCode.objects.filter(
        phone_index=index, purpose=purpose, used_at=None, expires_at__gt=timezone.now()
    ).exists()


# Count a try on the phone's latest live code and, if the code matches, use it up: one
# conditional statement, so two submissions of one code at the same moment cannot both
# succeed (the second finds it used) and guessing stops after a few tries.
_TRY = f"""
UPDATE {_TABLE} SET attempts = attempts + 1,
       used_at = CASE WHEN code_hash = %s THEN %s ELSE NULL END
 WHERE id = (SELECT id FROM {_TABLE}
              WHERE phone_index = %s AND purpose = %s AND used_at IS NULL AND expires_at > %s
              ORDER BY created_at DESC LIMIT 1)
   AND attempts < %s AND used_at IS NULL
RETURNING used_at
"""  # noqa: S608 (names are ours)


def otp_verify(*, phone: str, code: str, purpose: str = "sign_in") -> str:
    """The phone's blind index if ``code`` is its latest live code; each code works once."""
    _number, index = phone_key(phone)
    now = timezone.now()
    stamp = connection.ops.adapt_datetimefield_value(now)
    wrong = ApplicationError(
        _("The code is wrong or has expired."),
        fields={"code": [_("The code is wrong or has expired.")]},
    )
    given = _code_hash(index, (code or "").strip())
    with fastsql.cursor() as cursor:
        cursor.execute(_TRY, [given, stamp, index, purpose, stamp, MAX_ATTEMPTS])
        tried = cursor.fetchone()
    if tried is not None:
        if tried[0] is None:
            raise wrong
        return index
    # no try counted: no live code (or it was used a moment earlier), or too many tries
    live = OneTimeCode.objects.filter(
        phone_index=index, purpose=purpose, used_at=None, expires_at__gt=now
    ).order_by("-created_at")
    candidate = live.first()
    if candidate is not None and candidate.attempts >= MAX_ATTEMPTS:
        raise ApplicationError(_("Too many wrong tries; ask for a new code."), code="rate_limited")
    raise wrong


_WORKER_ID = (
    f"SELECT id FROM {Worker._meta.db_table} WHERE phone_index = %s"  # noqa: S608 (ours)
    " ORDER BY updated_at DESC, id DESC LIMIT 1"
)


def worker_id_for_phone_index(phone_index: str) -> int | None:
    """The id of ``worker_for_phone_index``'s worker, without reading the rest (every
    worker of a quiz week signs in: one plain statement)."""
    with fastsql.cursor() as cursor:
        cursor.execute(_WORKER_ID, [phone_index])
        row = cursor.fetchone()
    return row[0] if row else None


def worker_for_phone_index(phone_index: str) -> Worker | None:
    """The register's worker with this phone (the most recently updated, if several)."""
    return (
        Worker.objects.filter(phone_index=phone_index)
        .select_related("org", "employer")
        .order_by("-updated_at", "-pk")
        .first()
    )
