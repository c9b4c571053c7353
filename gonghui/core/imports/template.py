"""The blank workbook offered for download beside an import: the headers we recognise, every
column formatted as text (so Excel keeps an 18-digit ID whole), and a sheet of notes."""

from __future__ import annotations

import io

import xlsxwriter
from django.utils.translation import gettext as _

from gonghui.core.imports.spec import ImportSpec


def template_workbook(spec: ImportSpec) -> bytes:
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_numbers": False})
    text = workbook.add_format({"num_format": "@"})
    head = workbook.add_format({"bold": True, "bg_color": "#FDECED", "border": 1})
    required = workbook.add_format(
        {"bold": True, "bg_color": "#FDECED", "border": 1, "font_color": "#C8161D"}
    )
    sheet = workbook.add_worksheet(str(spec.title)[:31])
    for col, column in enumerate(spec.columns):
        sheet.set_column(col, col, 20, text)
        sheet.write_string(0, col, str(column.label), required if column.required else head)
    sheet.freeze_panes(1, 0)
    notes = workbook.add_worksheet(_("Notes")[:31])
    notes.set_column(0, 0, 18)
    notes.set_column(1, 1, 10)
    notes.set_column(2, 2, 70)
    for col, title in enumerate((_("Column"), _("Required"), _("Also recognised as"))):
        notes.write_string(0, col, title, head)
    for line, column in enumerate(spec.columns, start=1):
        notes.write_string(line, 0, str(column.label))
        notes.write_string(line, 1, _("Yes") if column.required else "")
        notes.write_string(line, 2, "、".join(column.aliases))
    tip = _(
        "Keep the header row; the columns may come in any order and unknown columns are "
        "ignored. Every column of the first sheet is formatted as text so Excel keeps long "
        "numbers such as resident IDs whole."
    )
    notes.write_string(len(spec.columns) + 2, 0, tip)
    workbook.close()
    return buffer.getvalue()
