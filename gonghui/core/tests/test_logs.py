"""Django's request warnings leave out expected refusals (409) and keep the rest."""

import logging

from django.http import HttpResponse
from django.utils.log import log_response


def test_a_conflict_is_not_logged_and_a_not_found_is(rf, caplog):
    request = rf.get("/api/v1/care/campaigns/1/sites/1/hand-outs")
    with caplog.at_level(logging.WARNING, logger="django.request"):
        log_response(
            "Conflict: %s", request.path, response=HttpResponse(status=409), request=request
        )
        log_response(
            "Not Found: %s", request.path, response=HttpResponse(status=404), request=request
        )
    messages = [record.getMessage() for record in caplog.records]
    assert messages == [f"Not Found: {request.path}"]
