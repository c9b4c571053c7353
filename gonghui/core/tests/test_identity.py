"""Resident IDs and mobile numbers: what people type is normalised, and the fast checks agree
with the reference libraries (stdnum, phonenumbers) on every input."""

from datetime import date

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from stdnum.exceptions import ValidationError

from gonghui.core.identity import (
    IdentityError,
    check_mobile,
    id_check_digit,
    normalise_id_number,
    normalise_phone,
    normalise_text,
    parse_id_number,
)

VALID_ID = "11010519491231002X"  # the example in GB 11643


def test_a_valid_id_gives_birth_date_and_gender():
    info = parse_id_number(VALID_ID, today=date(2026, 11, 25))
    assert info.birth_date == date(1949, 12, 31) and info.gender == "F"
    assert parse_id_number("110101199003071233", today=date(2026, 1, 1)).gender == "M"


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (" 11010519491231002x ", VALID_ID),  # spaces around, lowercase x
        ("１１０１０５１９４９１２３１００２Ｘ", VALID_ID),  # full-width digits and letter
        ("\u3000110105194912310 02X\u200b", VALID_ID),  # ideographic space, space inside
    ],
)
def test_id_numbers_are_normalised(raw, expected):
    assert normalise_id_number(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("+8613812345678", "13812345678"),
        ("8613812345678", "13812345678"),
        ("0086-138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("(138)1234-5678", "13812345678"),
    ],
)
def test_phones_are_normalised(raw, expected):
    assert normalise_phone(raw) == expected


def test_text_is_trimmed_and_made_half_width():
    assert normalise_text("\u3000张三\u200b ") == "张三"
    assert normalise_text("ＡＢＣ１２３") == "ABC123"


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("11010519491231002", "18"),  # 17 characters
        ("1101051949123100211", "18"),  # 19
        ("11010519491231002Y", "17"),  # bad last character
        ("110105194902300021", "不存在"),  # 30 February
        ("110105209912310021", "不可能"),  # born in the future
        ("110105194912310021", "校验"),  # wrong check digit
    ],
)
def test_bad_ids_are_rejected_with_a_reason(number, reason):
    with pytest.raises(IdentityError) as caught:
        parse_id_number(number, today=date(2026, 11, 25))
    assert reason in str(caught.value.reason)


@pytest.mark.parametrize("number", ["1381234567", "23812345678", "12812345678", "010-12345678"])
def test_non_mobile_numbers_are_rejected(number):
    with pytest.raises(IdentityError):
        check_mobile(normalise_phone(number))


@settings(max_examples=500, deadline=None)
@given(
    st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1)),
    st.integers(0, 999),
    st.sampled_from(["110101", "310104", "440305", "510107"]),
    st.booleans(),
)
def test_fast_id_check_agrees_with_stdnum(born, serial, region, corrupt):
    first17 = f"{region}{born:%Y%m%d}{serial:03d}"
    check = id_check_digit(first17)
    if corrupt:
        check = "0" if check != "0" else "1"
    number = first17 + check
    # stdnum also checks that the county code existed in the birth year; we deliberately do
    # not (districts are renamed and merged, and a person keeps their number), so the
    # reference here is stdnum's checksum and birth-date reading.
    try:
        reference_ok = ric.calc_check_digit(number) == number[-1] and bool(
            ric.get_birth_date(number)
        )
    except ValidationError:
        reference_ok = False
    try:
        parse_id_number(number, today=date(2026, 11, 25))
        fast_ok = True
    except IdentityError:
        fast_ok = False
    assert fast_ok == reference_ok


@settings(max_examples=500, deadline=None)
@given(st.from_regex(r"1[0-9]{10}", fullmatch=True))
def test_fast_mobile_check_agrees_with_phonenumbers(number):
    try:
        parsed = phonenumbers.parse(number, "CN")
        reference = (
            phonenumbers.is_valid_number(parsed)
            and phonenumbers.number_type(parsed) == phonenumbers.PhoneNumberType.MOBILE
        )
    except phonenumbers.NumberParseException:
        reference = False
    try:
        check_mobile(number)
        fast = True
    except IdentityError:
        fast = False
    # Our pattern accepts every 1[3-9] number (new prefixes open every year); it must never
    # refuse a number phonenumbers knows as a mobile.
    if reference:
        assert fast


def test_chinese_punctuation_in_names_is_kept():
    assert normalise_text("拉扎斯网络科技（上海）有限公司") == "拉扎斯网络科技（上海）有限公司"
    assert normalise_text("买买提·艾力") == "买买提·艾力"
    assert normalise_phone("＋８６ １３８－１２３４－５６７８") == "13812345678"
