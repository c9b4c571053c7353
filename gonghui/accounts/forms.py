from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from gonghui.accounts.models import User
from gonghui.core.permissions import RoleKind


class LoginForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed attempts. This account is locked until %(until)s."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            user = User.objects.filter(username=self.cleaned_data.get("username")).first()
            if user is not None and user.is_locked:
                from django.utils import timezone

                until = timezone.localtime(user.locked_until).strftime("%H:%M")
                raise forms.ValidationError(
                    self.error_messages["locked"], code="locked", params={"until": until}
                ) from None
            raise


class StaffCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    display_name = forms.CharField(label=_("Name"), max_length=50)
    email = forms.EmailField(label=_("Email"), required=False)
    org_code = forms.CharField(label=_("Organisation code"), max_length=32)
    role = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices, initial=RoleKind.OFFICER)
    password = forms.CharField(label=_("Initial password"), widget=forms.PasswordInput)


class StaffUpdateForm(forms.Form):
    display_name = forms.CharField(label=_("Name"), max_length=50)
    email = forms.EmailField(label=_("Email"), required=False)


class RoleGrantForm(forms.Form):
    org_code = forms.CharField(label=_("Organisation code"), max_length=32)
    role = forms.ChoiceField(label=_("Role"), choices=RoleKind.choices)


class PasswordResetForm(forms.Form):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class PasswordChangeForm(forms.Form):
    old_password = forms.CharField(label=_("Current password"), widget=forms.PasswordInput)
    new_password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


class TokenCreateForm(forms.Form):
    name = forms.CharField(label=_("Token name"), max_length=100)
