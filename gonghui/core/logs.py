"""Logging filters named in settings.LOGGING."""

import logging


class SkipConflicts(logging.Filter):
    """Leaves 409 answers out of Django's request warnings: a conflict is an expected refusal
    (someone already served at another site, a sitting already handed in, a retried
    request), and at hundreds a second on a busy hand-out day it would bury the rest."""

    def filter(self, record: logging.LogRecord) -> bool:
        return getattr(record, "status_code", None) != 409
