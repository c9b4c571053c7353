"""Every API response matches the OpenAPI schema the API publishes (schemathesis).

Generated requests, valid and invalid, go to every operation with a real bearer token; each
response must be declared for its status code, have the declared content type and body
shape, and never be a server error. Errors therefore follow ``{"code", "message", "fields"}``.
"""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from gonghui.accounts.services import token_create
from gonghui.wsgi import application

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture
def keep_test_connection():
    """Calls go straight to the WSGI app, so keep Django from closing the test transaction's
    connection at the end of each request (Django's own test client does the same)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def bearer(world, keep_test_connection) -> dict[str, str]:
    _row, token = token_create(user=world.users["dongcheng_admin"], name="schemathesis")
    return {"Authorization": f"Bearer {token}"}


def test_openapi_document_is_valid(client):
    # given / when
    response = client.get("/api/v1/openapi.json")
    # then
    from openapi_spec_validator import validate

    assert response.status_code == 200
    validate(response.json())


@schema.parametrize()
@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.filter_too_much,
    ],
)
def test_every_response_matches_the_schema(case, bearer):
    case.call_and_validate(headers=bearer, checks=CHECKS)


def test_api_schema_names_are_unique():
    """django-ninja names OpenAPI components after the schema class: two apps' classes of the
    same name would silently replace one another in the published schema."""
    from ninja import Schema

    import gonghui.api  # noqa: F401  (every app's api module, and so its schemas, loaded)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    ours = [s for s in subclasses(Schema) if s.__module__.startswith("gonghui.")]
    names = [s.__name__ for s in ours]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    assert not duplicates, [
        (n, [s.__module__ for s in ours if s.__name__ == n]) for n in duplicates
    ]
