"""The quiz console: question banks and their questions, campaigns with their papers,
poster links and QR codes. The live figures are in views_figures.py."""

from __future__ import annotations

from pathlib import Path

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from gonghui.core.errors import ApplicationError, ForbiddenError
from gonghui.core.forms_util import add_service_error
from gonghui.core.imports.forms import ImportUploadForm
from gonghui.core.imports.reading import check_suffix
from gonghui.core.imports.services import import_start
from gonghui.core.permissions import Perm
from gonghui.core.qr import qr_png, qr_svg
from gonghui.quizzes import forms, selectors
from gonghui.quizzes.figures import campaign_summary
from gonghui.quizzes.imports import QuestionImport
from gonghui.quizzes.links import campaign_link
from gonghui.quizzes.models import CampaignStatus, QuestionKind
from gonghui.quizzes.services import banks, campaigns


def _require_edit(scope) -> None:
    if not scope.can_anywhere(Perm.EDIT):
        raise ForbiddenError()


def _form_page(request, form, call, *, title, success, back, cancel, template="form.html"):
    """A console form whose valid POST calls one service; its errors land on the form."""
    if request.method == "POST" and form.is_valid():
        try:
            result = call(form)
        except ApplicationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, success)
            return redirect(back(result) if callable(back) else back)
    context = {"form": form, "title": title, "cancel": cancel}
    return render(request, f"quizzes/console/{template}", context)


# Question banks


def bank_list(request):
    scope = request.scope
    context = {
        "banks": selectors.bank_list(scope),
        "can_edit": scope.can_anywhere(Perm.EDIT),
        "form": forms.BankForm(scope=scope) if scope.can_anywhere(Perm.EDIT) else None,
    }
    return render(request, "quizzes/console/bank_list.html", context)


def bank_create(request):
    scope = request.scope
    _require_edit(scope)
    form = forms.BankForm(request.POST or None, scope=scope)
    return _form_page(
        request,
        form,
        lambda f: banks.bank_create(scope=scope, **f.cleaned_data),
        title=_("New question bank"),
        success=_("The bank was created."),
        back=lambda bank: reverse("quizzes:bank", args=[bank.pk]),
        cancel=reverse("quizzes:banks"),
    )


def bank_detail(request, questionbank_id: int):
    scope = request.scope
    bank = selectors.get_bank_for(scope, questionbank_id)
    get = request.GET
    questions = selectors.question_list(
        bank,
        q=get.get("q", "").strip()[:50],
        kind=get.get("kind", ""),
        tag=get.get("tag", "").strip()[:50],
        active=get.get("active", ""),
    )
    can_edit = scope.can(Perm.EDIT, bank.org)
    context = {
        "bank": bank,
        "page": Paginator(questions, 50).get_page(get.get("page")),
        "tags": selectors.bank_tags(bank),
        "kinds": QuestionKind.choices,
        "filters": {key: get.get(key, "") for key in ("q", "kind", "tag", "active")},
        "can_edit": can_edit,
        "rename_form": forms.BankForm(initial={"name": bank.name}, scope=scope, with_org=False)
        if can_edit
        else None,
        "import_form": ImportUploadForm(scope=scope) if can_edit else None,
    }
    return render(request, "quizzes/console/bank_detail.html", context)


@require_POST
def bank_rename(request, questionbank_id: int):
    scope = request.scope
    bank = selectors.get_bank_for(scope, questionbank_id, perm=Perm.EDIT)
    try:
        banks.bank_rename(scope=scope, bank=bank, name=request.POST.get("name", ""))
    except ApplicationError as error:
        messages.error(request, " ".join(m for ms in error.fields.values() for m in ms))
    else:
        messages.success(request, _("Saved."))
    return redirect("quizzes:bank", questionbank_id=bank.pk)


@require_POST
def bank_import(request, questionbank_id: int):
    """Upload questions into this bank through the import pipeline: the job carries the
    bank's name as its file name, which is where rows naming no bank go."""
    scope = request.scope
    bank = selectors.get_bank_for(scope, questionbank_id, perm=Perm.EDIT)
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a spreadsheet to upload."))
        return redirect("quizzes:bank", questionbank_id=bank.pk)
    try:
        suffix = check_suffix(upload.name or "")
        job = import_start(
            scope=scope,
            kind=QuestionImport.kind,
            org=bank.org,
            upload=upload,
            file_name=f"{bank.name}{suffix}",
        )
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("quizzes:bank", questionbank_id=bank.pk)
    return redirect("imports:detail", importjob_id=job.pk)


def question_create(request, questionbank_id: int):
    scope = request.scope
    bank = selectors.get_bank_for(scope, questionbank_id, perm=Perm.EDIT)
    form = forms.QuestionForm(request.POST or None)
    return _form_page(
        request,
        form,
        lambda f: banks.question_create(scope=scope, bank=bank, **f.service_fields()),
        title=_("New question in “%(bank)s”") % {"bank": bank.name},
        success=_("The question was added."),
        back=lambda q: reverse("quizzes:question_preview", args=[q.pk]),
        cancel=reverse("quizzes:bank", args=[bank.pk]),
        template="question_form.html",
    )


def question_edit(request, question_id: int):
    scope = request.scope
    question = selectors.get_question_for(scope, question_id, perm=Perm.EDIT)
    form = forms.QuestionForm(
        request.POST or None, initial=forms.QuestionForm.initial_for(question)
    )

    def save(f):
        return banks.question_update(
            scope=scope,
            question=question,
            is_active=f.cleaned_data["is_active"],
            **f.service_fields(),
        )

    return _form_page(
        request,
        form,
        save,
        title=_("Edit question"),
        success=_("Saved."),
        back=lambda q: reverse("quizzes:question_preview", args=[q.pk]),
        cancel=reverse("quizzes:bank", args=[question.bank_id]),
        template="question_form.html",
    )


def question_preview(request, question_id: int):
    """The question as a worker sees it on a phone; the key only when asked for."""
    scope = request.scope
    question = selectors.get_question_for(scope, question_id)
    context = {
        "question": question,
        "bank": question.bank,
        "options": list(zip("ABCDEF", question.options, strict=False)),
        "show_key": request.GET.get("key") == "1",
        "can_edit": scope.can(Perm.EDIT, question.bank.org),
    }
    return render(request, "quizzes/console/question_preview.html", context)


# Campaigns


def campaign_list(request):
    scope = request.scope
    status = request.GET.get("status", "")
    page = Paginator(selectors.campaign_list(scope, status=status), 30).get_page(
        request.GET.get("page")
    )
    rows = [(campaign, campaign_summary(campaign)) for campaign in page]
    context = {
        "page": page,
        "rows": rows,
        "status": status,
        "statuses": CampaignStatus.choices,
        "can_edit": scope.can_anywhere(Perm.EDIT),
    }
    return render(request, "quizzes/console/campaign_list.html", context)


def campaign_create(request):
    scope = request.scope
    _require_edit(scope)
    form = forms.CampaignForm(request.POST or None, scope=scope)
    return _form_page(
        request,
        form,
        lambda f: campaigns.campaign_create(scope=scope, **f.service_fields()),
        title=_("New quiz campaign"),
        success=_("The campaign was created as a draft: now say what each paper draws."),
        back=lambda c: reverse("quizzes:campaign", args=[c.pk]),
        cancel=reverse("quizzes:campaigns"),
    )


def campaign_edit(request, quizcampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, quizcampaign_id, perm=Perm.EDIT)
    form = forms.CampaignForm(request.POST or None, scope=scope, campaign=campaign)
    return _form_page(
        request,
        form,
        lambda f: campaigns.campaign_update(scope=scope, campaign=campaign, **f.service_fields()),
        title=_("Edit “%(title)s”") % {"title": campaign.title},
        success=_("Saved."),
        back=reverse("quizzes:campaign", args=[campaign.pk]),
        cancel=reverse("quizzes:campaign", args=[campaign.pk]),
    )


def _quota_formset(scope, campaign, data=None):
    initial = [
        {"bank": q.bank_id, "tag": q.tag, "count": q.count}
        for q in campaign.quotas.select_related("bank")
    ]
    return forms.QuotaFormSet(data, initial=initial, prefix="quota", form_kwargs={"scope": scope})


def campaign_detail(request, quizcampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, quizcampaign_id)
    can_edit = scope.can(Perm.EDIT, campaign.org)
    branches = selectors.campaign_branches(campaign)
    links = [(None, campaign_link(request, campaign))] + [
        (org, campaign_link(request, campaign, org)) for org in branches
    ]
    unit_code = request.GET.get("unit", "").strip()
    if unit_code:
        unit = selectors.campaign_unit(scope, campaign, unit_code)
        links.insert(1, (unit, campaign_link(request, campaign, unit)))
    context = {
        "campaign": campaign,
        "can_edit": can_edit,
        "quotas": campaign.quotas.select_related("bank"),
        "groups": list(campaign.groups.all()),
        "summary": campaign_summary(campaign),
        "minutes": campaign.time_limit_seconds // 60,
        "links": [(org, url, qr_svg(url, scale=3)) for org, url in links],
        "quota_formset": _quota_formset(scope, campaign) if can_edit else None,
        "unit_form": forms.UnitLinkForm(initial={"unit": unit_code}),
    }
    return render(request, "quizzes/console/campaign_detail.html", context)


@require_POST
def campaign_quotas(request, quizcampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, quizcampaign_id, perm=Perm.EDIT)
    formset = _quota_formset(scope, campaign, request.POST)
    if not formset.is_valid():
        messages.error(request, _("Check the quotas: each needs a bank and a number."))
        return redirect("quizzes:campaign", quizcampaign_id=campaign.pk)
    try:
        campaigns.campaign_set_quotas(scope=scope, campaign=campaign, quotas=formset.quotas())
    except ApplicationError as error:
        detail = " ".join(m for ms in error.fields.values() for m in ms)
        messages.error(request, detail or error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("quizzes:campaign", quizcampaign_id=campaign.pk)


@require_POST
def campaign_status(request, quizcampaign_id: int):
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, quizcampaign_id, perm=Perm.EDIT)
    try:
        campaigns.campaign_set_status(
            scope=scope, campaign=campaign, status=request.POST.get("status", "")
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Saved."))
    return redirect("quizzes:campaign", quizcampaign_id=campaign.pk)


@require_GET
def campaign_qr(request, quizcampaign_id: int, fmt: str):
    """The poster QR code of the campaign, or of one unit with ``?unit=<code>``."""
    scope = request.scope
    campaign = selectors.get_campaign_for(scope, quizcampaign_id)
    code = request.GET.get("unit", "").strip()
    unit = selectors.campaign_unit(scope, campaign, code) if code else None
    url = campaign_link(request, campaign, unit)
    stem = Path(f"quiz-{campaign.pk}-{unit.code if unit else 'all'}").name
    if fmt == "png":
        response = HttpResponse(qr_png(url, scale=12), content_type="image/png")
    else:
        svg = qr_svg(url, scale=10, title=campaign.title)
        response = HttpResponse(
            '<?xml version="1.0" encoding="utf-8"?>\n' + svg, content_type="image/svg+xml"
        )
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response
