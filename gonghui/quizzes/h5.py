"""The worker's quiz pages on the phone (/h5/quiz/): the campaign's landing page from a link
or QR code (``?branch=<org code>``), entering with the H5 sign-in (phone + texted code,
members/h5.py), the sitting, and the result. Works without JavaScript: answers are saved as
they are chosen when scripts run, and the whole form is submitted either way; the countdown
shows the server's deadline."""

from __future__ import annotations

import base64
from dataclasses import replace
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from gonghui.core.context import current_meta, reset_meta, set_meta
from gonghui.core.errors import ApplicationError
from gonghui.members import identity
from gonghui.orgs.models import Org
from gonghui.quizzes.models import Sitting
from gonghui.quizzes.paper import paper_view, reveals
from gonghui.quizzes.services import sittings as svc


def person_of(worker_identity) -> svc.Person:
    return svc.Person(
        worker_identity.phone_index,
        base64.b64decode(worker_identity.phone_token),
        worker_identity.worker_id,
    )


def _branch(campaign, code: str) -> Org | None:
    """The branch of the link, if it lies in the campaign's subtree."""
    if not code:
        return None
    org = Org.objects.filter(code=code).first()
    return org if org is not None and org.path.startswith(campaign.org.path) else None


def _enter_url(campaign, branch: Org | None) -> str:
    url = reverse("quizzes_h5:enter", args=[campaign.token])
    return f"{url}?{urlencode({'branch': branch.code})}" if branch else url


def _channel(request):
    return set_meta(replace(current_meta(), via="h5"))


@login_not_required
@never_cache
def campaign(request, quizcampaign_token: str):
    """The landing page of a poster's link or QR code: what the quiz is and how it goes."""
    # The same for everyone not signed in (most visitors: the poster's link), so kept.
    worker_identity = identity.current_identity(request)
    branch_code = request.GET.get("branch", "")
    key = ("landing", quizcampaign_token, branch_code, get_language())
    if worker_identity is None and (kept := svc.landing_pages.get(key, lambda: None)):
        return HttpResponse(kept)
    quiz = svc.campaign_by_token(quizcampaign_token)
    branch = _branch(quiz, branch_code)
    context = {
        "campaign": quiz,
        "branch": branch,
        "question_count": sum(quiz.quotas.values_list("count", flat=True)),
        "closed_reason": svc.campaign_window_error(quiz),
        "enter_url": _enter_url(quiz, branch),
        "participant": None,
    }
    if worker_identity is not None:
        context["participant"] = svc.participant_for(quiz, person_of(worker_identity))
    response = render(request, "quizzes/h5/campaign.html", context)
    if worker_identity is None:
        svc.landing_pages.get(key, lambda: response.content)  # kept for the next visitors
    return response


def _units(campaign) -> list[Org]:
    """Units a person not in the register may choose: the campaign's org and those below."""
    return list(
        Org.objects.filter(path__startswith=campaign.org.path, archived_at=None)
        .order_by("path")
        .only("pk", "code", "name", "depth")[:500]
    )


@login_not_required
@never_cache
@identity.worker_required
def enter(request, quizcampaign_token: str):
    """Signed in: start (or resume) after the rules; someone not in the register gives name
    and unit first, where the campaign allows it."""
    quiz = svc.campaign_by_token(quizcampaign_token)
    person = person_of(request.worker_identity)
    branch = _branch(quiz, request.GET.get("branch", "") or request.POST.get("branch", ""))
    entry, participant = svc.participant_entry(quiz, person)
    context = {"campaign": quiz, "branch": branch, "entry": entry, "participant": participant,
               "closed_reason": svc.campaign_window_error(quiz), "errors": {}}  # fmt: skip
    if entry == svc.Entry.DETAILS:
        context["units"] = _units(quiz)
    if participant is not None or entry == svc.Entry.REGISTERED:
        worker = request.worker_identity.worker()
        context["hello"] = participant.name if participant else (worker.name if worker else "")
    if request.method == "POST" and entry != svc.Entry.REFUSED:
        org = Org.objects.filter(pk=request.POST.get("org") or 0).first() or branch
        token = _channel(request)
        try:
            sitting = svc.sitting_begin(
                campaign=quiz, person=person, name=request.POST.get("name", ""), org=org
            )
        except ApplicationError as error:
            context.update(
                error=error.message, errors=error.fields, name=request.POST.get("name", "")
            )
        else:
            return redirect("quizzes_h5:sitting", sitting_id=sitting.pk)
        finally:
            reset_meta(token)
    if participant is not None:
        context["open_sitting"] = participant.sittings.filter(submitted_at=None).first()
        context["last"] = (
            participant.sittings.exclude(submitted_at=None).order_by("-number").first()
        )
        context["left"] = max(0, quiz.sittings_allowed - participant.sittings.count())
    return render(request, "quizzes/h5/enter.html", context)


def _own_sitting(request, sitting_id: int) -> Sitting:
    return svc.sitting_touch(svc.sitting_for(person_of(request.worker_identity), sitting_id))


@login_not_required
@never_cache
@identity.worker_required
def sitting(request, sitting_id: int):
    """The paper: every question on one page; choices saved as they are made."""
    current = _own_sitting(request, sitting_id)
    if current.submitted_at is not None:
        return redirect("quizzes_h5:result", sitting_id=current.pk)
    quiz = svc.campaign_by_id(current.campaign_id)
    left = max(0, int((current.deadline_at - timezone.now()).total_seconds()))
    context = {"campaign": quiz, "sitting": current, "questions": paper_view(current, quiz),
               "seconds_left": left}  # fmt: skip
    return render(request, "quizzes/h5/sitting.html", context)


@login_not_required
@require_POST
@identity.worker_required
def answer(request, sitting_id: int):
    """Save one answer (the page's script posts each choice as it is made)."""
    try:
        svc.sitting_answer_save(
            person=person_of(request.worker_identity),
            sitting_id=sitting_id,
            question_id=int(request.POST.get("question") or 0),
            answer=request.POST.getlist("answer"),
        )
    except ApplicationError as error:
        return HttpResponse(error.message, status=error.status, content_type="text/plain")
    return HttpResponse(status=204)


def _posted_answers(request) -> dict[str, list[str]]:
    return {
        key[1:]: request.POST.getlist(key)
        for key in request.POST
        if key.startswith("q") and key[1:].isdigit()
    }


@login_not_required
@require_POST
@identity.worker_required
def submit(request, sitting_id: int):
    """Hand in the paper (with the form's answers, saved first while time lasts)."""
    token = _channel(request)
    try:
        svc.sitting_submit(
            sitting_id=sitting_id,
            person=person_of(request.worker_identity),
            answers=_posted_answers(request),
        )
    finally:
        reset_meta(token)
    return redirect("quizzes_h5:result", sitting_id=sitting_id)


def certificate_url(participant) -> str | None:
    """The participant's certificate page, when the organiser side provides one."""
    try:
        return reverse(
            "quizzes_h5:certificate_page",
            kwargs={"quizcampaign_token": participant.campaign.token},
        )
    except NoReverseMatch:
        return None


@login_not_required
@never_cache
@identity.worker_required
def result(request, sitting_id: int):
    """Score and pass; the answers with explanations only if the campaign shows them."""
    current = _own_sitting(request, sitting_id)
    if current.submitted_at is None:
        return redirect("quizzes_h5:sitting", sitting_id=current.pk)
    quiz = svc.campaign_by_id(current.campaign_id)
    participant = current.participant
    context = {
        "campaign": quiz,
        "sitting": current,
        "participant": participant,
        "questions": paper_view(current, quiz) if reveals(current, quiz) else [],
        "total": len(current.paper),
        "sittings_left": max(0, quiz.sittings_allowed - participant.sittings_count),
        "certificate_url": certificate_url(participant) if quiz.offers_certificate else None,
    }
    return render(request, "quizzes/h5/result.html", context)
