"""Every write to the workers register: one function per use case, scoped and audited."""

from gonghui.members.services.employers import employer_create, employers_ensure
from gonghui.members.services.workers import (
    worker_create,
    worker_join,
    worker_leave,
    worker_reveal,
    worker_transfer,
    worker_update,
)

__all__ = [
    "employer_create",
    "employers_ensure",
    "worker_create",
    "worker_join",
    "worker_leave",
    "worker_reveal",
    "worker_transfer",
    "worker_update",
]
