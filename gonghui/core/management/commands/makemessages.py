"""Django's makemessages plus ``--no-fuzzy-matching`` (passed on to msgmerge).

msgmerge guesses a translation for every new message from a similar old one and marks it
fuzzy; with a catalogue of many short, similar strings the guesses are mostly wrong and a
fuzzy entry is not used at run time, so `make messages` asks for none: a new message stays
untranslated, visibly, until someone translates it.
"""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    def add_arguments(self, parser) -> None:
        super().add_arguments(parser)
        parser.add_argument(
            "--no-fuzzy-matching",
            action="store_true",
            help="Do not let msgmerge guess translations of new messages (no fuzzy entries).",
        )

    def handle(self, *args, **options):
        if options.pop("no_fuzzy_matching", False):
            self.msgmerge_options = [*self.msgmerge_options, "--no-fuzzy-matching"]
        return super().handle(*args, **options)
