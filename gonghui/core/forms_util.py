"""Glue between services' ApplicationError and Django forms."""

from django import forms

from gonghui.core.errors import ApplicationError


def add_service_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a service's error on the form: per field where it names fields, else at the top."""
    placed = False
    for name, messages in error.fields.items():
        if name in form.fields:
            for message in messages:
                form.add_error(name, message)
            placed = True
    if not placed or not error.fields:
        form.add_error(None, error.message)
