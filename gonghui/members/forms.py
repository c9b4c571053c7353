"""Forms of the workers register pages: input only; every rule lives in the services."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.core.form_fields import ScopedOrgChoiceField
from gonghui.core.permissions import Perm
from gonghui.members.models import EmploymentForm, Gender, MembershipStatus, Worker
from gonghui.members.selectors import group_list

ALL = [("", _("All"))]
SEARCH_HINT = _("Name, pinyin, phone or resident ID number")
SEARCH_HELP = _(
    "Pinyin may be just the initials (zs for 张三); a phone may be just its last 4 digits."
)
FILTERS = ("org", "employment_form", "gig", "membership_status", "group")


def _group_choices() -> list[tuple[str, str]]:
    return [(g.code, g.name) for g in group_list()]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


class WorkerFilterForm(forms.Form):
    """The list's search box and filters, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=ALL + EmploymentForm.choices
    )
    gig = forms.BooleanField(label=_("Gig workers only"), required=False)
    membership_status = forms.ChoiceField(
        label=_("Membership"), required=False, choices=ALL + MembershipStatus.choices
    )
    group = forms.ChoiceField(label=_("Group"), required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": SEARCH_HINT,
                "title": SEARCH_HELP,
                "autocomplete": "off",
            }
        )
        self.fields["org"] = ScopedOrgChoiceField(
            scope, label=_("Union"), required=False, empty_label=_("All unions in scope")
        )
        self.fields["group"].choices = ALL + _group_choices()
        self.order_fields(["q", "org"])

    @property
    def has_filters(self) -> bool:
        """Whether any filter beside the search box is set (they fold away on a phone)."""
        return any(self.data.get(name) for name in FILTERS)

    def filters(self) -> dict:
        """Keyword arguments for ``worker_list``: the valid filters, the others left out."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        org = data.get("org")
        return {
            "q": data.get("q", ""),
            "org_id": org.pk if org else None,
            "employment_form": data.get("employment_form", ""),
            "gig": bool(data.get("gig")),
            "membership_status": data.get("membership_status", ""),
            "group": data.get("group", ""),
        }


class WorkerForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=30, required=False)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20, required=False)
    gender = forms.ChoiceField(
        label=_("Gender"), required=False, choices=[("", "—"), *Gender.choices]
    )
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DateInput())
    employer_name = forms.CharField(
        label=_("Employer"),
        max_length=100,
        required=False,
        help_text=_("Type to choose a known employer, or enter a new one."),
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), choices=EmploymentForm.choices, initial=EmploymentForm.EMPLOYEE
    )
    groups = forms.MultipleChoiceField(
        label=_("Groups"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "checks"}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["groups"].choices = _group_choices()
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off", "maxlength": 30})
        self.fields["phone"].widget.attrs.update(
            {"autocomplete": "off", "inputmode": "tel", "maxlength": 20}
        )
        self.fields["employer_name"].widget.attrs.update(
            {
                "list": "employer-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("members:employers"),
                "hx-trigger": "input changed delay:250ms",
                "hx-target": "#employer-options",
            }
        )

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class WorkerCreateForm(WorkerForm):
    joined_on = forms.DateField(
        label=_("Joined the union on"),
        required=False,
        widget=DateInput(),
        help_text=_("Fill in only for a union member."),
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, label=_("Union"), initial=scope.acting_org_id
        )
        self.fields["gender"].help_text = _("Read from the resident ID when there is one.")
        self.order_fields(["org", "name", "id_number", "phone", "gender", "birth_date"])

    def service_fields(self) -> dict:
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}


class WorkerEditForm(WorkerForm):
    """Personal data is never shown in plain text here: a blank ID or phone keeps the one
    on record. Gender and birth date follow the resident ID when there is one."""

    def __init__(self, *args, worker: Worker, **kwargs) -> None:
        initial = {
            "name": worker.name,
            "gender": worker.gender,
            "birth_date": worker.birth_date,
            "employer_name": worker.employer.name if worker.employer_id else "",
            "employment_form": worker.employment_form,
            "groups": [g.code for g in worker.groups.all()],
        }
        super().__init__(*args, initial=initial, **kwargs)
        keep = _("Leave blank to keep the one on record.")
        for field, masked in (
            ("id_number", worker.id_number_masked),
            ("phone", worker.phone_masked),
        ):
            if masked:
                self.fields[field].widget.attrs["placeholder"] = masked
                self.fields[field].help_text = keep
        if worker.id_number_masked:
            for field in ("gender", "birth_date"):
                self.fields[field].disabled = True
                self.fields[field].help_text = _("Read from the resident ID.")

    def service_fields(self) -> dict:
        fields = dict(self.cleaned_data)
        for name in ("id_number", "phone"):
            if not fields.get(name):
                fields.pop(name, None)
        for name in ("gender", "birth_date"):
            if self.fields[name].disabled:
                fields.pop(name, None)
        return fields


class TransferForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, scope, worker: Worker, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"] = ScopedOrgChoiceField(
            scope,
            perm=Perm.EDIT,
            exclude=worker.org,
            label=_("Transfer to"),
            empty_label=_("Choose a union"),
        )
        self.order_fields(["to_org", "reason"])


class JoinForm(forms.Form):
    joined_on = forms.DateField(
        label=_("Joined the union on"), widget=DateInput(), initial=timezone.localdate
    )


class LeaveForm(forms.Form):
    left_on = forms.DateField(label=_("Left on"), widget=DateInput(), initial=timezone.localdate)
    reason = forms.CharField(label=_("Reason for leaving"), max_length=200)
