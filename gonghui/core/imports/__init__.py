"""The spreadsheet import pipeline every app reuses (DESIGN rule 4).

An app describes its columns and how to check, stage and commit one kind of record in an
``ImportSpec`` (see ``spec.py``) and registers it; the pipeline reads xlsx, xls, ods and
csv, finds the columns by their usual Chinese headers, checks every row (in parallel for
big files), reports each bad row with its number, column and reason, writes the rejected
rows to an errors workbook, and commits all-or-nothing or only the good rows.
"""
