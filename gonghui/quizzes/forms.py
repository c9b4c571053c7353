"""Forms of the quiz console: banks, questions, campaigns and their tag quotas."""

from __future__ import annotations

import re
from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.form_fields import ScopedOrgChoiceField
from gonghui.core.permissions import Perm
from gonghui.members.models import WorkerGroup
from gonghui.quizzes.models import LETTERS, Counting, Question, QuestionKind, QuizCampaign
from gonghui.quizzes.ranking import DEFAULT_WEIGHTS
from gonghui.quizzes.selectors import bank_list
from gonghui.quizzes.services.campaigns import Quota

TAG_SPLIT = re.compile(r"[\s、，,;；/|]+")


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


def _checks() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "checks"})


class BankForm(forms.Form):
    name = forms.CharField(label=_("Bank name"), max_length=100)

    def __init__(self, *args, scope, with_org: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if with_org:
            self.fields["org"] = ScopedOrgChoiceField(
                scope, perm=Perm.EDIT, label=_("Union"), initial=scope.acting_org_id
            )
            self.order_fields(["org", "name"])


class QuestionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Question type"), choices=QuestionKind.choices)
    stem = forms.CharField(
        label=_("Question"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )
    answer = forms.MultipleChoiceField(
        label=_("Right answer"),
        choices=[(letter, letter) for letter in LETTERS],
        widget=_checks(),
        help_text=_("For a true/false question A is 正确 and B is 错误."),
    )
    explanation = forms.CharField(
        label=_("Explanation"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        max_length=200,
        help_text=_("Separate tags with 、 or commas; campaigns draw questions by tag."),
    )
    is_active = forms.BooleanField(label=_("Used in new papers"), required=False, initial=True)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for letter in LETTERS:
            self.fields[f"option_{letter.lower()}"] = forms.CharField(
                label=_("Option %(letter)s") % {"letter": letter}, max_length=200, required=False
            )
        self.order_fields(
            ["kind", "stem", *[f"option_{c.lower()}" for c in LETTERS], "answer", "explanation"]
        )

    @classmethod
    def initial_for(cls, question: Question) -> dict:
        initial = {
            "kind": question.kind,
            "stem": question.stem,
            "answer": list(question.answer),
            "explanation": question.explanation,
            "tags": "、".join(question.tags),
            "is_active": question.is_active,
        }
        for letter, option in zip(LETTERS, question.options, strict=False):
            initial[f"option_{letter.lower()}"] = option
        return initial

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "stem": data["stem"],
            "options": [data.get(f"option_{c.lower()}", "") for c in LETTERS],
            "answer": "".join(data["answer"]),
            "explanation": data["explanation"],
            "tags": [t for t in TAG_SPLIT.split(data["tags"]) if t],
        }


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    intro = forms.CharField(
        label=_("Introduction"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    starts_at = forms.DateTimeField(label=_("Opens at"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Closes at"), widget=DateTimeInput())
    groups = forms.MultipleChoiceField(
        label=_("Only these worker groups"),
        required=False,
        widget=_checks(),
        help_text=_("None ticked: every worker of the union's subtree may take part."),
    )
    time_limit_minutes = forms.IntegerField(
        label=_("Time limit (minutes)"), min_value=1, max_value=240, initial=10
    )
    sittings_allowed = forms.IntegerField(
        label=_("Sittings allowed per person"), min_value=1, max_value=20, initial=1
    )
    counting = forms.ChoiceField(
        label=_("Which sitting counts"), choices=Counting.choices, initial=Counting.BEST
    )
    pass_mark = forms.IntegerField(label=_("Pass mark"), min_value=0, max_value=100, initial=60)
    high_score_mark = forms.IntegerField(
        label=_("High score from"), min_value=0, max_value=100, initial=90
    )
    show_answers = forms.BooleanField(
        label=_("Show answers and explanations after submitting"), required=False, initial=True
    )
    allow_unregistered = forms.BooleanField(
        label=_("People not in the register may take part (name, phone and unit)"),
        required=False,
    )
    offers_certificate = forms.BooleanField(
        label=_("Participants can download an e-certificate"), required=False
    )
    weight_participation_rate = forms.FloatField(
        label=_("Ranking weight: participation rate"), min_value=0, max_value=100
    )
    weight_average_score = forms.FloatField(
        label=_("Ranking weight: average score"), min_value=0, max_value=100
    )
    weight_high_score_share = forms.FloatField(
        label=_("Ranking weight: share of high scores"), min_value=0, max_value=100
    )

    def __init__(self, *args, scope, campaign: QuizCampaign | None = None, **kwargs) -> None:
        if campaign is None:
            start = timezone.localtime().replace(minute=0, second=0, microsecond=0)
            kwargs.setdefault(
                "initial",
                {
                    "starts_at": start,
                    "ends_at": start + timedelta(days=7),
                    **{f"weight_{k}": v * 100 for k, v in DEFAULT_WEIGHTS.items()},
                },
            )
        else:
            kwargs.setdefault("initial", self.initial_for(campaign))
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = list(WorkerGroup.objects.values_list("code", "name"))
        if campaign is None:
            self.fields["org"] = ScopedOrgChoiceField(
                scope,
                perm=Perm.EDIT,
                label=_("Organised by"),
                initial=scope.acting_org_id,
                help_text=_("The workers of this union and every union under it may take part."),
            )
            self.order_fields(["org", "title"])

    @staticmethod
    def initial_for(campaign: QuizCampaign) -> dict:
        weights = campaign.ranking_weights or {}
        return {
            "title": campaign.title,
            "intro": campaign.intro,
            "starts_at": timezone.localtime(campaign.starts_at),
            "ends_at": timezone.localtime(campaign.ends_at),
            "groups": list(campaign.groups.values_list("code", flat=True)),
            "time_limit_minutes": max(campaign.time_limit_seconds // 60, 1),
            "sittings_allowed": campaign.sittings_allowed,
            "counting": campaign.counting,
            "pass_mark": campaign.pass_mark,
            "high_score_mark": campaign.high_score_mark,
            "show_answers": campaign.show_answers,
            "allow_unregistered": campaign.allow_unregistered,
            "offers_certificate": campaign.offers_certificate,
            **{f"weight_{k}": round(float(weights.get(k, 0)) * 100, 2) for k in DEFAULT_WEIGHTS},
        }

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["time_limit_seconds"] = data.pop("time_limit_minutes") * 60
        total = sum(data[f"weight_{k}"] for k in DEFAULT_WEIGHTS) or 1
        data["ranking_weights"] = {
            k: round(data.pop(f"weight_{k}") / total, 4) for k in DEFAULT_WEIGHTS
        }
        return data


class QuotaForm(forms.Form):
    bank = forms.ModelChoiceField(queryset=None, label=_("Question bank"), required=False)
    tag = forms.CharField(
        label=_("Tag"), max_length=50, required=False, help_text=_("Empty: any tag.")
    )
    count = forms.IntegerField(label=_("Questions"), min_value=1, max_value=200, required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = bank_list(scope)

    def quota(self) -> Quota | None:
        data = self.cleaned_data
        if not data.get("bank") or not data.get("count"):
            return None
        return Quota(data["bank"], (data.get("tag") or "").strip(), data["count"])


class BaseQuotaFormSet(forms.BaseFormSet):
    def quotas(self) -> list[Quota]:
        return [q for q in (form.quota() for form in self.forms) if q is not None]


QuotaFormSet = forms.formset_factory(QuotaForm, formset=BaseQuotaFormSet, extra=2, max_num=20)


class UnitLinkForm(forms.Form):
    unit = forms.CharField(label=_("Union code"), max_length=64)
