"""Forms of joining the union online: the worker's H5 application, and the staff's decision,
pass-on, rule and time-limit forms. Input only; every rule lives in the services."""

from django import forms
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gonghui.core.form_fields import ScopedOrgChoiceField
from gonghui.core.permissions import Perm
from gonghui.members import selectors
from gonghui.members.forms import ALL, DateInput
from gonghui.members.models import (
    GIG_FORMS,
    ApplicationStatus,
    EmploymentForm,
    Industry,
    MembershipApplication,
)
from gonghui.orgs.models import Org, OrgKind

# Gig workers first: they are who the page is for.
FORM_CHOICES = [(f.value, f.label) for f in EmploymentForm if f in GIG_FORMS] + [
    (f.value, f.label) for f in EmploymentForm if f not in GIG_FORMS
]
CHOOSE = [("", _("Please choose"))]


def place_label(org: Org) -> str:
    """东城区总工会 -> 东城区, 龙潭街道总工会 -> 龙潭街道: the place, not the union."""
    return org.name.removesuffix("总工会").removesuffix("工会") or org.name


def street_choices(district: Org | None) -> list[tuple[str, str]]:
    if district is None:
        return CHOOSE
    streets = [(str(s.pk), place_label(s)) for s in selectors.work_streets(district)]
    unsure = _("Elsewhere in %(district)s, or not sure") % {"district": place_label(district)}
    return CHOOSE + streets + [(str(district.pk), unsure)]


class JoinForm(forms.Form):
    """The worker's application (H5). The phone is the one they signed in with."""

    name = forms.CharField(label=_("Name as on your resident ID"), max_length=50)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=30)
    employment_form = forms.ChoiceField(label=_("How you work"), choices=CHOOSE + FORM_CHOICES)
    employer_name = forms.CharField(
        label=_("Employer or platform"),
        max_length=100,
        required=False,
        help_text=_("e.g. 美团, 饿了么, 顺丰, or your company's name"),
    )
    industry = forms.ChoiceField(label=_("Industry"), choices=CHOOSE + Industry.choices)
    district = forms.ChoiceField(label=_("District where you mostly work"))
    work_place = forms.ChoiceField(label=_("Street (area) where you mostly work"))
    not_notify_employer = forms.BooleanField(
        label=_("Do not tell my employer"),
        required=False,
        help_text=_(
            "Your application then goes to the union of the street where you work, and your "
            "employer's union cannot see it before you are admitted."
        ),
    )
    consent = forms.BooleanField(
        label=_("I have read the above and agree that my personal information is handled so."),
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.districts = {str(d.pk): d for d in selectors.work_districts()}
        self.fields["district"].choices = CHOOSE + [
            (pk, place_label(d)) for pk, d in self.districts.items()
        ]
        district = self.districts.get(
            str(self.data.get("district") or self.initial.get("district"))
        )
        self.fields["work_place"].choices = street_choices(district)
        self.fields["id_number"].widget.attrs.update(
            {"autocomplete": "off", "maxlength": 30, "spellcheck": "false"}
        )
        self.fields["employer_name"].widget.attrs.update(
            {
                "list": "employer-options",
                "autocomplete": "off",
                "hx-get": reverse_lazy("members_h5:join_employers"),
                "hx-trigger": "input changed delay:300ms",
                "hx-target": "#employer-options",
            }
        )
        self.fields["district"].widget.attrs.update(
            {
                "hx-get": reverse_lazy("members_h5:join_streets"),
                "hx-target": "#id_work_place",
                "hx-trigger": "change",
            }
        )

    def service_fields(self) -> dict:
        data = self.cleaned_data
        return {
            "name": data["name"],
            "id_number": data["id_number"],
            "employment_form": data["employment_form"],
            "employer_name": data["employer_name"],
            "industry": data["industry"],
            "work_place": selectors.place_of_work(data["work_place"]),
            "not_notify_employer": data["not_notify_employer"],
            "consent": data["consent"],
        }


# Staff: the inbox, deciding, passing on


class ApplicationFilterForm(forms.Form):
    VIEWS = [
        ("todo", _("To handle")),
        ("pending", _("All pending")),
        ("overdue", _("Overdue")),
        ("decided", _("Decided")),
        ("all", _("All")),
    ]

    view = forms.ChoiceField(choices=VIEWS, required=False)
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=ALL + ApplicationStatus.choices
    )
    employment_form = forms.ChoiceField(
        label=_("Employment form"), required=False, choices=ALL + FORM_CHOICES
    )
    gig = forms.BooleanField(label=_("Gig workers only"), required=False)
    exact = forms.BooleanField(label=_("This union only, not below"), required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {
                "type": "search",
                "placeholder": _("Name, pinyin, phone or resident ID number"),
                "autocomplete": "off",
            }
        )
        self.fields["org"] = ScopedOrgChoiceField(
            scope, label=_("Union"), required=False, empty_label=_("All unions in scope")
        )
        self.order_fields(["view", "q", "org"])

    @property
    def current_view(self) -> str:
        view = self.data.get("view") or "todo"
        return view if view in selectors.APPLICATION_VIEWS else "todo"

    def filters(self) -> dict:
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        org = data.get("org")
        return {
            "view": self.current_view,
            "q": data.get("q", ""),
            "org_id": org.pk if org else None,
            "exact": bool(data.get("exact")),
            "status": data.get("status", ""),
            "employment_form": data.get("employment_form", ""),
            "gig": bool(data.get("gig")),
        }


class AcceptForm(forms.Form):
    decided_on = forms.DateField(
        label=_("Member from"),
        widget=DateInput(),
        initial=timezone.localdate,
        required=False,
        help_text=_("The day of the decision; today unless it was taken earlier."),
    )


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the applicant reads it)"),
        max_length=200,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), initial=timezone.localdate, required=False
    )


class PassOnForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, scope, application: MembershipApplication, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["to_org"] = forms.ModelChoiceField(
            queryset=selectors.pass_on_targets(scope, application),
            label=_("Pass on to"),
            empty_label=_("Choose a union"),
        )
        self.order_fields(["to_org", "reason"])


# Rules and time limits


class RoutingRuleForm(forms.Form):
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("All industries"))] + Industry.choices
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        owners = ScopedOrgChoiceField(scope, perm=Perm.EDIT, label=_("Kept by"))
        owners.queryset = owners.queryset.filter(kind__in=(OrgKind.FEDERATION, OrgKind.AREA))
        self.fields["org"] = owners
        places = ScopedOrgChoiceField(scope, perm=Perm.EDIT, label=_("Place of work"))
        places.queryset = places.queryset.filter(
            kind__in=(OrgKind.FEDERATION, OrgKind.AREA, OrgKind.COMMUNITY)
        )
        self.fields["place"] = places
        targets = ScopedOrgChoiceField(scope, perm=Perm.EDIT, label=_("Handled by"))
        targets.queryset = targets.queryset.exclude(kind=OrgKind.BRANCH)
        self.fields["target"] = targets
        self.order_fields(["org", "place", "industry", "target", "note"])


class RoutingRuleEditForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        targets = ScopedOrgChoiceField(scope, perm=Perm.EDIT, label=_("Handled by"))
        targets.queryset = targets.queryset.exclude(kind=OrgKind.BRANCH)
        self.fields["target"] = targets
        self.order_fields(["target", "note"])


class JoinPolicyForm(forms.Form):
    decide_within_days = forms.IntegerField(
        label=_("Decide within (working days)"), min_value=1, max_value=60, initial=15
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        federations = ScopedOrgChoiceField(scope, perm=Perm.EDIT, label=_("Federation"))
        federations.queryset = federations.queryset.filter(kind=OrgKind.FEDERATION)
        self.fields["org"] = federations
        self.order_fields(["org", "decide_within_days"])
