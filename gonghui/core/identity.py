"""Resident ID numbers and mainland mobile numbers: normalising what people type or paste,
and validating it, fast enough for a million-row import.

The hand-written checksum and mobile pattern are the fast path; ``stdnum.cn.ric`` and
``phonenumbers`` stay the reference, and property tests (tests/test_identity.py) show the two
agree on every input.
"""

from __future__ import annotations

import re
from datetime import date
from operator import mul
from typing import NamedTuple

from django.utils.translation import gettext_lazy as _

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# sum(w * (c - 48)) over ASCII digit bytes, without converting each digit to int
ID_WEIGHT_OFFSET = 48 * sum(ID_WEIGHTS)
ID_SHAPE = re.compile(r"^\d{17}[\dX]$")
MOBILE = re.compile(r"^1[3-9]\d{9}$")
# Spaces of every width, dashes and brackets people put inside phone numbers.
PHONE_JUNK = re.compile(r"[\s\-–—_.()（）－]")
# Full-width digits and Latin letters (and the ideographic space) become their ASCII forms;
# invisible characters go. Chinese punctuation stays as typed: 拉扎斯网络科技（上海）有限公司
# is that company's name, brackets and all.
TEXT_TABLE = {
    **{code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)},  # ０-９
    **{code: code - 0xFEE0 for code in range(0xFF21, 0xFF3B)},  # Ａ-Ｚ
    **{code: code - 0xFEE0 for code in range(0xFF41, 0xFF5B)},  # ａ-ｚ
    0xFF0B: ord("+"),
    0x3000: ord(" "),
    **dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"), None),
}


class IdentityError(ValueError):
    """A value that cannot be a resident ID or a mobile number; ``reason`` says why in words
    a person understands (translated)."""

    def __init__(self, reason) -> None:
        super().__init__(str(reason))
        self.reason = reason


def normalise_text(value: object) -> str:
    """Full-width letters and digits to ASCII, invisible characters dropped, surrounding
    spaces (the ideographic space included) trimmed; everything else kept as typed."""
    if value is None:
        return ""
    text = value if type(value) is str else str(value)
    if not text.isascii():
        text = text.translate(TEXT_TABLE)
    return text.strip()


def normalise_id_number(value: object) -> str:
    return normalise_text(value).replace(" ", "").upper()


def normalise_phone(value: object) -> str:
    """Digits only, without a +86 / 86 / 0086 country prefix."""
    text = normalise_text(value)
    if len(text) == 11 and text.isascii() and text.isdigit():  # as most files have them
        return text
    text = PHONE_JUNK.sub("", text)
    if text.startswith("+"):
        text = text[1:]
        if text.startswith("86"):
            text = text[2:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    return text


class IdInfo(NamedTuple):  # a named tuple: made for every row of a big import
    birth_date: date
    gender: str  # "M" or "F": the 17th digit is odd for men


def id_check_digit(first17: str) -> str:
    """GB 11643's check character of the first 17 digits (which must be ASCII digits)."""
    total = sum(map(mul, first17.encode(), ID_WEIGHTS)) - ID_WEIGHT_OFFSET
    return ID_CHECK[total % 11]


def parse_id_number(number: str, *, today: date | None = None) -> IdInfo:
    """Check an already normalised 18-character resident ID (GB 11643) and read its birth
    date and gender; raise IdentityError with the reason otherwise."""
    if len(number) != 18:
        raise IdentityError(
            _("A resident ID has 18 characters; this one has %(n)s.") % {"n": len(number)}
        )
    if not ID_SHAPE.match(number):
        raise IdentityError(_("A resident ID is 17 digits followed by a digit or X."))
    try:
        born = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdentityError(_("The birth date in this ID does not exist.")) from None
    if born > (today or date.today()) or born.year < 1900:
        raise IdentityError(_("The birth date in this ID is impossible."))
    if id_check_digit(number[:17]) != number[17]:
        raise IdentityError(_("The check digit of this ID is wrong; a digit is mistyped."))
    return IdInfo(born, "M" if int(number[16]) % 2 else "F")


def check_mobile(number: str) -> str:
    """An already normalised number that must be a mainland mobile number (11 digits, 1[3-9])."""
    if not MOBILE.match(number):
        raise IdentityError(_("Not a mainland mobile number (11 digits starting 13-19)."))
    return number
