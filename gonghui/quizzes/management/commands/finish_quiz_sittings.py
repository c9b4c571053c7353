"""``manage.py finish_quiz_sittings``: close and score every quiz sitting whose time ran out
without a submission (what was saved is scored). Sittings are also closed on the next touch;
run this from cron every few minutes so the figures do not wait for one."""

from django.core.management.base import BaseCommand

from gonghui.core.context import CLI_META, reset_meta, set_meta
from gonghui.quizzes.services.sittings import sittings_finish_expired


class Command(BaseCommand):
    help = "Close and score the quiz sittings whose time ran out unsubmitted (idempotent)."

    def handle(self, *args, **options) -> None:
        token = set_meta(CLI_META)
        try:
            closed = sittings_finish_expired()
        finally:
            reset_meta(token)
        self.stdout.write(f"Closed {closed} expired sitting(s).")
