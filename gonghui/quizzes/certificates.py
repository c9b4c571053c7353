"""E-certificates of participation (参与证书): a PNG drawn on the server with the
participant's name, the campaign, the date, the issuing union and a verification code,
for anyone who submitted a sitting of a campaign that offers one; and the public page
that a certificate's QR code opens to show it is genuine.

The verification code is ``Q<campaign>-<participant>-<8 hex>``, the last part a keyed
hash of the first two: nothing to store, nothing to guess.
"""

from __future__ import annotations

import re

from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from gonghui.members import identity
from gonghui.quizzes.certificate_render import CertificateText, render_png
from gonghui.quizzes.models import Participant

SALT = "gonghui.quizzes.certificate"
CODE = re.compile(r"^Q(\d{1,10})-(\d{1,12})-([0-9A-F]{8})$")


def _mac(campaign_id: int, participant_id: int) -> str:
    return salted_hmac(SALT, f"{campaign_id}:{participant_id}").hexdigest()[:8].upper()


def certificate_code(participant: Participant) -> str:
    return (
        f"Q{participant.campaign_id}-{participant.pk}-"
        f"{_mac(participant.campaign_id, participant.pk)}"
    )


def participant_for_code(code: str) -> Participant | None:
    match = CODE.match((code or "").strip().upper())
    if not match:
        return None
    campaign_id, participant_id = int(match[1]), int(match[2])
    if not constant_time_compare(match[3], _mac(campaign_id, participant_id)):
        return None
    found = (
        Participant.objects.select_related("campaign", "campaign__org")
        .filter(pk=participant_id, campaign_id=campaign_id)
        .first()
    )
    return found if found is not None and may_have_certificate(found) else None


def may_have_certificate(participant: Participant) -> bool:
    return participant.campaign.offers_certificate and participant.submitted_count > 0


def certificate_text(participant: Participant, verify_url: str) -> CertificateText:
    campaign = participant.campaign
    day = timezone.localtime(participant.last_submitted_at or timezone.now()).date()
    return CertificateText(
        title=_("Certificate of participation"),
        greeting=_("%(name)s:") % {"name": participant.name},
        body=_(
            "took part in the online quiz “%(campaign)s” held by %(union)s. This "
            "certificate is awarded in recognition."
        )
        % {"campaign": campaign.title, "union": campaign.org.name},
        issuer=campaign.org.name,
        date=_("%(y)s-%(m)s-%(d)s") % {"y": day.year, "m": day.month, "d": day.day},
        code_line=_("Certificate no. %(code)s") % {"code": certificate_code(participant)},
        verify_url=verify_url,
    )


def verify_url(request, participant: Participant) -> str:
    path = reverse("quizzes_h5:certificate_verify")
    return request.build_absolute_uri(f"{path}?code={certificate_code(participant)}")


def _own_certificate(request, quizcampaign_token: str) -> Participant:
    participant = (
        Participant.objects.select_related("campaign", "campaign__org")
        .filter(campaign__token=quizcampaign_token, phone_index=request.worker_identity.phone_index)
        .first()
    )
    if participant is None or not may_have_certificate(participant):
        raise Http404()
    return participant


@login_not_required
@never_cache
@identity.worker_required
def h5_certificate_page(request, quizcampaign_token: str):
    """The signed-in worker's certificate on the phone: the image, how to keep it, its code
    and where anyone can check it."""
    participant = _own_certificate(request, quizcampaign_token)
    context = {
        "participant": participant,
        "campaign": participant.campaign,
        "code": certificate_code(participant),
        "check_url": verify_url(request, participant),
    }
    return render(request, "quizzes/h5/certificate.html", context)


@login_not_required
@never_cache
@identity.worker_required
def h5_certificate(request, quizcampaign_token: str):
    """The signed-in worker's certificate for the campaign of ``token``, as a PNG."""
    participant = _own_certificate(request, quizcampaign_token)
    png = render_png(certificate_text(participant, verify_url(request, participant)))
    response = HttpResponse(png, content_type="image/png")
    name = f"certificate-{certificate_code(participant)}.png"
    disposition = "attachment" if request.GET.get("download") else "inline"
    response["Content-Disposition"] = f'{disposition}; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@login_not_required
def certificate_verify(request):
    """Public: is this certificate genuine (``?code=``)? Shows what it says, never the phone."""
    code = request.GET.get("code", "").strip()[:40]
    participant = participant_for_code(code) if code else None
    context = {"participant": participant, "code": code}
    status = 200 if participant or not code else 404
    return render(request, "quizzes/certificate_verify.html", context, status=status)
