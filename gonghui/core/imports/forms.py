from django import forms
from django.utils.translation import gettext_lazy as _

from gonghui.core.form_fields import ScopedOrgChoiceField
from gonghui.core.imports.services import EXISTING_CHOICES
from gonghui.core.permissions import Perm


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("xlsx, xls, ods or csv; the first sheet is read."),
        widget=forms.FileInput(attrs={"accept": ".xlsx,.xlsm,.xls,.ods,.csv"}),
    )

    def __init__(self, *args, scope, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["org"] = ScopedOrgChoiceField(
            scope,
            perm=Perm.EDIT,
            label=_("Import into"),
            help_text=_("Rows that name no union go to this union."),
            initial=scope.acting_org_id,
        )


EXISTING_LABELS = {
    "update": _("Update them with the values in the file"),
    "skip": _("Skip them and keep the register as it is"),
}


class ImportCommitForm(forms.Form):
    only_good = forms.BooleanField(
        label=_("Import only the good rows and leave the rejected ones out"), required=False
    )
    existing = forms.ChoiceField(
        label=_("People already in the register"),
        choices=[(value, EXISTING_LABELS[value]) for value in EXISTING_CHOICES],
        widget=forms.RadioSelect,
        initial="update",
    )


class ColumnMappingForm(forms.Form):
    """Which header of the file holds each of our columns; one select per column."""

    prefix = "map"

    def __init__(self, *args, columns, headers: list[str], mapping: dict[str, str], **kwargs):
        super().__init__(*args, **kwargs)
        choices = [("", _("— not in the file —")), *((h, h) for h in headers)]
        for column in columns:
            self.fields[column.key] = forms.ChoiceField(
                label=column.label,
                choices=choices,
                required=column.required,
                initial=mapping.get(column.key, ""),
            )

    def mapping(self) -> dict[str, str]:
        return {key: header for key, header in self.cleaned_data.items() if header}

    def clean(self):
        data = super().clean()
        seen: dict[str, str] = {}
        for key, header in list(data.items()):
            if header and header in seen:
                self.add_error(key, _("This column is already chosen for another one."))
            seen.setdefault(header, key)
        return data
