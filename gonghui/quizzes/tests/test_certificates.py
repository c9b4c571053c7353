"""The e-certificate of participation and its public check."""

import io
from urllib.parse import parse_qs, urlparse

from django.test import RequestFactory
from PIL import Image

from gonghui.members.tests.factories import ZHANG_PHONE, add_zhang
from gonghui.quizzes.certificates import (
    certificate_code,
    certificate_text,
    participant_for_code,
)
from gonghui.quizzes.tests.clients import h5_client
from gonghui.quizzes.tests.console_fixtures import make_campaign, record_sitting


def _sat(world, **fields):
    campaign = make_campaign(world, "bj-dc-lt", offers_certificate=True, **fields)
    zhang = add_zhang(world)
    return campaign, record_sitting(campaign, zhang, right=[True, True, True, False])


def test_a_participant_downloads_a_png_certificate(world):
    # given 张三 submitted a sitting of a campaign that offers certificates
    campaign, participant = _sat(world)
    # when
    response = h5_client(ZHANG_PHONE).get(f"/h5/quiz/{campaign.token}/certificate.png")
    # then
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (1600, 1131)
    assert certificate_code(participant) in response["Content-Disposition"]


def test_the_phone_shows_the_certificate_with_a_download_and_where_to_check_it(world):
    campaign, participant = _sat(world)
    page = h5_client(ZHANG_PHONE).get(f"/h5/quiz/{campaign.token}/certificate/")
    body = page.content.decode()
    assert page.status_code == 200
    assert f"/h5/quiz/{campaign.token}/certificate.png" in body
    assert f"/h5/quiz/{campaign.token}/certificate.png?download=1" in body
    assert certificate_code(participant) in body and "/h5/quiz/certificates/check/" in body
    # someone else's phone has no certificate to show
    assert (
        h5_client("13900003333").get(f"/h5/quiz/{campaign.token}/certificate/").status_code == 404
    )


def test_the_certificate_says_who_what_when_and_who_issued_it(world):
    campaign, participant = _sat(world)
    text = certificate_text(participant, "http://testserver/check")
    assert "张三" in text.greeting and campaign.title in text.body
    assert text.issuer == "龙潭街道总工会" and "年" in text.date
    assert certificate_code(participant) in text.code_line


def test_the_verification_code_checks_out_and_cannot_be_forged(world):
    _campaign, participant = _sat(world)
    code = certificate_code(participant)
    assert participant_for_code(code) == participant
    assert participant_for_code(code.lower()) == participant
    forged = code[:-1] + ("0" if code[-1] != "0" else "1")
    assert participant_for_code(forged) is None
    other = f"Q{participant.campaign_id}-{participant.pk + 1}-{code.rsplit('-', 1)[1]}"
    assert participant_for_code(other) is None


def test_the_public_check_page_shows_the_certificate_and_refuses_a_wrong_number(world, client):
    _campaign, participant = _sat(world)
    page = client.get("/h5/quiz/certificates/check/", {"code": certificate_code(participant)})
    assert page.status_code == 200 and "张三" in page.content.decode()
    assert "真实有效" in page.content.decode()
    wrong = client.get("/h5/quiz/certificates/check/", {"code": "Q1-1-00000000"})
    assert wrong.status_code == 404 and "张三" not in wrong.content.decode()


def test_the_qr_code_on_the_certificate_opens_the_check_page(world):
    from gonghui.quizzes.certificates import verify_url

    _campaign, participant = _sat(world)
    url = verify_url(RequestFactory().get("/"), participant)
    query = parse_qs(urlparse(url).query)
    assert urlparse(url).path == "/h5/quiz/certificates/check/"
    assert query["code"] == [certificate_code(participant)]


def test_no_certificate_without_a_submitted_sitting_or_when_not_offered(world):
    campaign = make_campaign(world, "bj-dc-lt", offers_certificate=False)
    record_sitting(campaign, add_zhang(world), right=[True] * 4)
    browser = h5_client(ZHANG_PHONE)
    assert browser.get(f"/h5/quiz/{campaign.token}/certificate.png").status_code == 404
    other = make_campaign(world, "bj-dc", offers_certificate=True)
    assert browser.get(f"/h5/quiz/{other.token}/certificate.png").status_code == 404
