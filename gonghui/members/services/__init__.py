"""Every write to the workers register: one function per use case, scoped and audited."""

from gonghui.members.services.applications import (
    application_accept,
    application_decline,
    application_pass_on,
    application_reveal,
    application_submit,
    applications_escalate,
)
from gonghui.members.services.employers import employer_create, employers_ensure
from gonghui.members.services.routing import (
    employer_alias_add,
    join_policy_set,
    routing_rule_create,
    routing_rule_delete,
    routing_rule_update,
)
from gonghui.members.services.workers import (
    worker_create,
    worker_join,
    worker_leave,
    worker_move,
    worker_reveal,
    worker_transfer,
    worker_update,
)

__all__ = [
    "application_accept",
    "application_decline",
    "application_pass_on",
    "application_reveal",
    "application_submit",
    "applications_escalate",
    "employer_alias_add",
    "join_policy_set",
    "routing_rule_create",
    "routing_rule_delete",
    "routing_rule_update",
    "employer_create",
    "employers_ensure",
    "worker_create",
    "worker_join",
    "worker_leave",
    "worker_move",
    "worker_reveal",
    "worker_transfer",
    "worker_update",
]
