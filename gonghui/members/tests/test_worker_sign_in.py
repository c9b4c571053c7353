"""Workers sign in on H5 with their phone and a texted one-time code."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from gonghui.core.errors import ApplicationError
from gonghui.core.sms import MemorySender
from gonghui.members.identity import QR_MAX_AGE, worker_id_from_qr, worker_qr_token
from gonghui.members.models import OneTimeCode
from gonghui.members.services import worker_create
from gonghui.members.services.identity import otp_request, otp_verify

PHONE = "13812345678"


def last_code() -> str:
    return re.search(r"\d{6}", MemorySender.outbox[-1].text).group()


def test_a_code_is_texted_to_the_normalised_number(db):
    otp_request(phone="+86 138-1234-5678")
    message = MemorySender.outbox[-1]
    assert message.phone == PHONE and "验证码" in message.text
    assert PHONE not in str(list(OneTimeCode.objects.values()))  # stored as a blind index


def test_asking_again_too_soon_or_too_often_is_refused(db, settings):
    otp_request(phone=PHONE)
    with pytest.raises(ApplicationError, match="秒"):
        otp_request(phone=PHONE)
    settings.OTP_RESEND_SECONDS = 0
    for _ in range(settings.OTP_MAX_PER_HOUR - 1):
        otp_request(phone=PHONE)
    with pytest.raises(ApplicationError, match="一小时"):
        otp_request(phone=PHONE)


def test_one_address_cannot_ask_for_codes_for_many_phones(db, settings):
    settings.OTP_MAX_PER_IP_PER_HOUR = 3
    for n in range(3):
        otp_request(phone=f"1391234000{n}", ip="10.0.0.9")
    with pytest.raises(ApplicationError):
        otp_request(phone="13912340009", ip="10.0.0.9")


def test_a_code_works_once(db):
    otp_request(phone=PHONE)
    code = last_code()
    assert otp_verify(phone=PHONE, code=code)
    with pytest.raises(ApplicationError):
        otp_verify(phone=PHONE, code=code)


def test_guessing_stops_after_five_tries(db):
    otp_request(phone=PHONE)
    code = last_code()
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        with pytest.raises(ApplicationError, match="验证码"):
            otp_verify(phone=PHONE, code=wrong)
    with pytest.raises(ApplicationError, match="次数"):
        otp_verify(phone=PHONE, code=code)  # even the right one, now


def test_an_expired_code_is_refused(db):
    otp_request(phone=PHONE)
    OneTimeCode.objects.update(expires_at=timezone.now() - timedelta(seconds=1))
    with pytest.raises(ApplicationError):
        otp_verify(phone=PHONE, code=last_code())


def _sign_in(client: Client, phone: str = PHONE, next_url: str = "/h5/me/"):
    client.post("/h5/sign-in/", {"phone": phone, "next": next_url})
    return client.post("/h5/sign-in/", {"phone": phone, "code": last_code(), "next": next_url})


def test_a_registered_worker_signs_in_and_sees_their_card(world):
    worker_create(
        scope=world.scope("longtan_officer"), org=world.org("bj-dc-lt"), name="张三", phone=PHONE
    )
    client = Client()
    assert client.get("/h5/me/").url.startswith("/h5/sign-in/?next=")
    response = _sign_in(client)
    assert response.status_code == 302 and response.url == "/h5/me/"
    page = client.get("/h5/me/").content.decode()
    assert "张三" in page and "138****5678" in page and PHONE not in page
    assert PHONE not in str(dict(client.session))  # the session holds no plain number
    assert "<svg" in client.get("/h5/me/qr/").content.decode()


def test_an_unknown_phone_signs_in_but_is_told_it_is_not_registered(db):
    client = Client()
    _sign_in(client)
    assert 'data-testid="not-registered"' in client.get("/h5/me/").content.decode()


def test_sign_in_never_redirects_off_site(db):
    response = _sign_in(Client(), next_url="https://evil.example/")
    assert response.url == "/h5/me/"


def test_the_personal_qr_code_expires(world, monkeypatch):
    worker = worker_create(
        scope=world.scope("longtan_officer"), org=world.org("bj-dc-lt"), name="张三"
    )
    token = worker_qr_token(worker)
    assert worker_id_from_qr(token) == worker.pk
    assert worker_id_from_qr(token + "x") is None
    import time

    later = time.time() + QR_MAX_AGE + 5
    monkeypatch.setattr("django.core.signing.time.time", lambda: later)
    assert worker_id_from_qr(token) is None


def test_asking_again_too_soon_on_the_page_keeps_the_code_field(db):
    browser = Client()
    first = browser.post("/h5/sign-in/", {"phone": PHONE})
    assert 'name="code"' in first.content.decode()
    code = last_code()
    # a second tap, or the page opened again: no new code, but the first one still works
    again = browser.post("/h5/sign-in/", {"phone": PHONE}).content.decode()
    assert 'name="code"' in again and "秒" in again
    assert browser.post("/h5/sign-in/", {"phone": PHONE, "code": code}).status_code == 302
    # a phone with no live code is asked for its number again, with the reason
    other = Client().post("/h5/sign-in/", {"phone": "12345"}).content.decode()
    assert 'name="code"' not in other
