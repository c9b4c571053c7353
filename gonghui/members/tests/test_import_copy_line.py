"""The worker import's COPY line, spelled out for speed, against the generic formatter."""

from __future__ import annotations

from datetime import UTC, date, datetime

from hypothesis import given
from hypothesis import strategies as st

from gonghui.core.imports import db
from gonghui.members.imports import copy_line
from gonghui.members.models import EmploymentForm, MembershipStatus

NOW = datetime(2026, 11, 25, 9, 30, 15, 123456, tzinfo=UTC)
text = st.text(alphabet=st.sampled_from("张三李\t\n\r\\ ab-x1"), max_size=12)
maybe_bytes = st.none() | st.binary(min_size=1, max_size=40)
maybe_date = st.none() | st.dates(min_value=date(1900, 1, 1), max_value=date(2026, 1, 1))
maybe_hex = st.none() | st.from_regex(r"[0-9a-f]{32}", fullmatch=True)


@given(
    org_id=st.integers(min_value=1, max_value=10**9),
    name=text,
    full=text,
    initials=text,
    gender=st.sampled_from(["M", "F", ""]),
    birth_date=maybe_date,
    id_enc=maybe_bytes,
    id_index=maybe_hex,
    id_masked=st.sampled_from(["", "110101********123X"]),
    phone_enc=maybe_bytes,
    phone_index=maybe_hex,
    phone_masked=st.sampled_from(["", "138****5678"]),
    phone_tail=st.sampled_from(["", "5678"]),
    employer=text,
    form=st.sampled_from(list(EmploymentForm)),
    status=st.sampled_from(list(MembershipStatus)),
    joined_on=maybe_date,
)
def test_the_fast_copy_line_writes_what_the_generic_one_does(**values):
    order = (
        "org_id name full initials gender birth_date id_enc id_index id_masked phone_enc "
        "phone_index phone_masked phone_tail employer form status joined_on"
    )
    record = (7, *(values[name] for name in order.split()))
    expected = db.copy_line((*record[1:14], record[15], record[16], record[17], "", NOW, NOW))
    assert copy_line(record, NOW.isoformat()) == expected + "\t"
