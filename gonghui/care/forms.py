"""Forms of the care pages: input only; every rule lives in the services."""

from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gonghui.care import selectors
from gonghui.care.models import (
    AssistanceKind,
    HardshipReason,
    ItemCategory,
    ReviewOutcome,
    RuleKind,
    SourceKind,
)
from gonghui.core.form_fields import ScopedOrgChoiceField
from gonghui.core.permissions import Perm
from gonghui.members.models import EmploymentForm, WorkerGroup


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def yuan_field(label, **kwargs) -> forms.DecimalField:
    return forms.DecimalField(
        label=label, min_value=Decimal(0), max_digits=12, decimal_places=2, **kwargs
    )


def fen(value) -> int:
    return int((value or 0) * 100)


def _checks() -> forms.CheckboxSelectMultiple:
    return forms.CheckboxSelectMultiple(attrs={"class": "checks"})


class ItemField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name}（{obj.unit}）"


class ItemForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=60)
    unit = forms.CharField(label=_("Unit"), max_length=10, help_text=_("箱, 桶, 盒, 个 ..."))
    category = forms.ChoiceField(
        label=_("Category"),
        choices=[c for c in ItemCategory.choices if c[0] != ItemCategory.KIT],
    )
    unit_value = yuan_field(_("Value per unit (yuan)"))

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, initial=scope.acting_org_id
        )
        self.order_fields(["org"])

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["unit_value_fen"] = fen(data.pop("unit_value"))
        return data


class KitForm(forms.Form):
    name = forms.CharField(label=_("Kit name"), max_length=60, help_text=_("防疫包, 慰问包 ..."))

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, initial=scope.acting_org_id
        )
        items = selectors.item_list(scope, kits=False)
        for n in range(1, 5):
            self.fields[f"item{n}"] = ItemField(
                items, label=_("Supply %(n)s") % {"n": n}, required=n == 1
            )
            self.fields[f"qty{n}"] = forms.IntegerField(
                label=_("How many"), min_value=1, max_value=1000, required=False, initial=1
            )
        self.order_fields(["org", "name"])

    def service_fields(self) -> dict:
        data = self.cleaned_data
        parts = [(data[f"item{n}"], data[f"qty{n}"] or 1) for n in range(1, 5) if data[f"item{n}"]]
        return {"org": data["org"], "name": data["name"], "components": parts}


class SiteForm(forms.Form):
    name = forms.CharField(label=pgettext_lazy("thing", "Name"), max_length=60)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, initial=scope.acting_org_id
        )
        self.order_fields(["org"])


class _StockForm(forms.Form):
    def __init__(self, *args, scope, kits: bool | None = None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["site"] = forms.ModelChoiceField(selectors.site_list(scope), label=_("Site"))
        self.fields["item"] = ItemField(selectors.item_list(scope, kits=kits), label=_("Supply"))
        self.order_fields(["site", "item"])


class ReceiveForm(_StockForm):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    value = yuan_field(_("Total value (yuan)"))
    source_kind = forms.ChoiceField(label=_("How obtained"), choices=SourceKind.choices)
    source = forms.CharField(label=_("Donor or supplier"), max_length=100)
    received_on = forms.DateField(
        label=_("Received on"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, scope=scope, kits=False, **kwargs)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["value_fen"] = fen(data.pop("value"))
        return data


class TransferForm(_StockForm):
    to_site = forms.ModelChoiceField(queryset=None, label=_("To site"))
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, scope=scope, **kwargs)
        self.fields["to_site"].queryset = selectors.site_list(scope)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["from_site"] = data.pop("site")
        return data


class AdjustForm(_StockForm):
    delta = forms.IntegerField(label=_("Change"), help_text=_("Negative to remove, e.g. -2."))
    reason = forms.CharField(label=_("Reason"), max_length=200)

    def service_fields(self) -> dict:
        return dict(self.cleaned_data)


class PackForm(_StockForm):
    quantity = forms.IntegerField(label=_("Kits to pack"), min_value=1)

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, scope=scope, kits=True, **kwargs)
        self.fields["item"].label = _("Kit")

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["kit"] = data.pop("item")
        return data


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Campaign name"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DateInput(), initial=timezone.localdate)
    ends_on = forms.DateField(label=_("To"), widget=DateInput())
    target_forms = forms.MultipleChoiceField(
        label=_("For these employment forms"),
        choices=EmploymentForm.choices,
        required=False,
        widget=_checks(),
    )
    target_groups = forms.MultipleChoiceField(
        label=_("For these groups"), required=False, widget=_checks()
    )
    item_qty = forms.IntegerField(label=_("How many"), min_value=1, required=False, initial=1)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, label=_("Organised by"), initial=scope.acting_org_id
        )
        self.fields["kit"] = ItemField(
            selectors.item_list(scope, kits=True),
            required=False,
            label=_("Each recipient gets this kit"),
        )
        self.fields["item"] = ItemField(
            selectors.item_list(scope, kits=False), required=False, label=_("… or loose supplies")
        )
        self.fields["limit_group"] = forms.ModelChoiceField(
            selectors.limit_group_list(scope),
            required=False,
            label=_("Limit group"),
            help_text=_(
                "Once per person across every campaign of the group; empty: once per "
                "person in this campaign."
            ),
        )
        self.fields["target_groups"].choices = list(WorkerGroup.objects.values_list("code", "name"))
        self.order_fields(
            [
                "org",
                "name",
                "starts_on",
                "ends_on",
                "kit",
                "item",
                "item_qty",
                "target_forms",
                "target_groups",
                "limit_group",
            ]
        )

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        item, qty = data.pop("item"), data.pop("item_qty") or 1
        data["items"] = [(item, qty)] if item else []
        return data


class CampaignSiteForm(forms.Form):
    def __init__(self, *args, scope, campaign, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        sites = selectors.site_list(scope).filter(org__path__startswith=campaign.org.path)
        self.fields["site"] = forms.ModelChoiceField(sites, label=_("Site"))
        from gonghui.accounts.models import User

        staff = User.objects.filter(roles__org__path__startswith=campaign.org.path).distinct()
        self.fields["staff"] = forms.ModelMultipleChoiceField(
            staff.order_by("username"),
            required=False,
            label=_("Staff who scan there"),
            widget=_checks(),
        )


class ScanForm(forms.Form):
    code = forms.CharField(label=_("Scan or type"), max_length=600, required=False)
    request_id = forms.UUIDField(widget=forms.HiddenInput)


class RegisterForm(forms.Form):
    request_id = forms.UUIDField(widget=forms.HiddenInput)
    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    phone = forms.CharField(label=_("Mobile phone"), max_length=20)
    id_number = forms.CharField(label=_("Resident ID number"), max_length=30, required=False)
    employer_name = forms.CharField(label=_("Employer"), max_length=100, required=False)
    employment_form = forms.ChoiceField(label=_("Employment form"), choices=EmploymentForm.choices)
    group = forms.ChoiceField(label=_("Group"), required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *WorkerGroup.objects.values_list("code", "name")]
        self.fields["phone"].widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
        self.fields["id_number"].widget.attrs.update({"autocomplete": "off"})


class VoidForm(forms.Form):
    reason = forms.CharField(label=_("Reason for voiding"), max_length=200)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Rule name"), max_length=100)
    kind = forms.ChoiceField(label=_("Kind"), choices=RuleKind.choices)
    regulation = forms.CharField(label=_("Regulation cited"), max_length=300)
    amount = yuan_field(_("Yearly cap per person (yuan)"), required=False)
    categories = forms.MultipleChoiceField(
        label=_("Forbidden kinds"), required=False, choices=ItemCategory.choices, widget=_checks()
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, label=_("Set by"), initial=scope.acting_org_id
        )
        self.order_fields(["org"])

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        amount = data.pop("amount")
        data["amount_fen"] = fen(amount) if amount is not None else None
        return data


class LimitGroupForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    starts_on = forms.DateField(label=_("From"), widget=DateInput())
    ends_on = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope, perm=Perm.EDIT, initial=scope.acting_org_id
        )
        self.order_fields(["org"])


class HardshipForm(forms.Form):
    worker_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = forms.ChoiceField(label=_("Main cause"), choices=HardshipReason.choices)
    household_size = forms.IntegerField(label=_("Household members"), min_value=1, max_value=20)
    monthly_income = yuan_field(_("Household income per month (yuan)"))
    household = forms.CharField(
        label=_("Household details"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Members, work, health, housing, debts."),
    )
    applied_on = forms.DateField(
        label=_("Applied on"), widget=DateInput(), initial=timezone.localdate
    )


class AssessForm(forms.Form):
    assessment = forms.CharField(label=_("Assessment"), widget=forms.Textarea(attrs={"rows": 3}))


class DecideForm(forms.Form):
    approve = forms.ChoiceField(
        label=_("Decision"),
        widget=forms.RadioSelect,
        choices=[("1", _("Approve")), ("0", _("Reject"))],
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)


class AssistanceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AssistanceKind.choices)
    amount = yuan_field(_("Amount or value (yuan)"))
    description = forms.CharField(label=_("What was given"), max_length=200)
    given_on = forms.DateField(label=_("Given on"), widget=DateInput(), initial=timezone.localdate)


class ReviewForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"), min_value=2000, max_value=2100, initial=lambda: timezone.localdate().year
    )
    outcome = forms.ChoiceField(label=_("Outcome"), choices=ReviewOutcome.choices)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)
