"""``makemessages`` without fuzzy matching: a new message never inherits the translation of
a merely similar one (msgmerge's guesses read as real, wrong translations)."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    msgmerge_options = [*makemessages.Command.msgmerge_options, "--no-fuzzy-matching"]
