from django import forms
from django.utils.translation import gettext_lazy as _


class AuditSearchForm(forms.Form):
    q = forms.CharField(label=_("Object"), required=False)
    action = forms.CharField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False)
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
