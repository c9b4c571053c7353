from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.orgs.models import OrgKind


class OrgDetailsForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=50, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"), max_length=18, required=False
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    contact_person = forms.CharField(label=_("Contact person"), max_length=50, required=False)
    contact_phone = forms.CharField(label=_("Contact phone"), max_length=30, required=False)


class OrgCreateForm(OrgDetailsForm):
    code = forms.CharField(label=_("Code"), max_length=32)
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)

    field_order = ["code", "name", "short_name", "kind"]


class OrgMoveForm(forms.Form):
    new_parent_code = forms.CharField(label=_("New parent organisation code"), max_length=32)
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
