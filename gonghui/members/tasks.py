"""Background tasks of the members app: they take ids (or nothing) and call services."""

from django_tasks import task

from gonghui.core.context import RequestMeta, reset_meta, set_meta
from gonghui.members.services import applications_escalate


@task()
def escalate_overdue_applications() -> int:
    """The daily escalation of overdue membership applications (idempotent)."""
    token = set_meta(RequestMeta(via="task"))
    try:
        return applications_escalate()
    finally:
        reset_meta(token)
