"""Plain SQL for hot paths: a relaxed commit is the statement's own, never the session's or
an enclosing transaction's."""

import pytest
from django.db import connection, transaction

from gonghui.core import fastsql
from gonghui.core.models import AuditEvent

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def _synchronous_commit() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW synchronous_commit")
        return cursor.fetchone()[0]


def test_a_relaxed_write_lands_and_the_session_still_waits_for_the_disk():
    event = fastsql.insert(AuditEvent(action="test.relaxed", changes={}), relaxed=True)
    assert AuditEvent.objects.filter(pk=event.pk, action="test.relaxed").exists()
    assert _synchronous_commit() == "on"
    # inside someone else's transaction nothing is relaxed: that commit is not ours to relax
    with transaction.atomic():
        assert fastsql.commit_relaxed() == "1 = 1"
        fastsql.insert(AuditEvent(action="test.relaxed", changes={}), relaxed=True)
        assert _synchronous_commit() == "on"
    assert AuditEvent.objects.filter(action="test.relaxed").count() == 2
