"""DESIGN rule 1, checked for every route that exists, not a hand-kept list.

A staff user of 龙潭街道总工会 calls every console URL and every API operation with the ids
and codes of records that belong to the sibling 新街口街道总工会, by GET and by POST (and the
API's own methods), and the test asserts that nothing of 新街口 is shown and nothing of it
changes. URLs come from the resolver and API operations from the OpenAPI schema, so a route
added by a later app is walked without editing this file; an app provides records to walk
with through ``<app>/tests/samples.py`` (``make_samples(world, org)``), and a URL parameter
that cannot be filled from the victim's records fails the test instead of being skipped.
"""

import importlib
import io
import re
import zipfile
from collections.abc import Iterator

import pytest
from django.apps import apps
from django.db import models
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from gonghui.accounts.models import ApiToken, Role, User
from gonghui.accounts.services import token_create
from gonghui.core.models import AuditEvent
from gonghui.core.testing import PASSWORD, World
from gonghui.orgs.models import Org

VICTIM_ORG = "bj-xc-xjk"
VICTIM_USER = "xinjiekou_officer"
# Text that appears only in the victim's records: org names and the victim staff's names.
MARKERS = ("新街口", "xinjiekou_officer", "xinjiekou_admin")
ATTACKERS = ("longtan_officer", "longtan_admin")
SKIPPED_NAMESPACES = {
    "admin",  # closed to staff users and read-only: see test_admin_is_read_only
    "api",  # walked through the OpenAPI schema below
}
# Form fields a POST may carry, pointing at the victim wherever a reference is taken.
CONVERTER = re.compile(r"<(?:(?P<conv>[^>:]+):)?(?P<name>[^>]+)>")


def walk_patterns(patterns, prefix: str = "") -> Iterator[tuple[str, str]]:
    for entry in patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            yield from walk_patterns(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry.name or ""


def collect_samples(world: World) -> None:
    """Let every app add records of its own to the victim's subtree."""
    victim = world.org(VICTIM_ORG)
    for config in apps.get_app_configs():
        if not config.name.startswith("gonghui."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.samples")
        except ModuleNotFoundError:
            continue
        module.make_samples(world, victim)


def org_field(model) -> str | None:
    """``org``, or ``<fk>__org`` for a row that belongs to a union through its parent (a
    question through its bank)."""
    for field in model._meta.get_fields():
        if field.name == "org" and isinstance(field, models.ForeignKey):
            return "org"
    for field in model._meta.get_fields():
        if isinstance(field, models.ForeignKey) and not field.null:
            parent = field.related_model
            if any(
                f.name == "org" and isinstance(f, models.ForeignKey)
                for f in parent._meta.get_fields()
            ):
                return f"{field.name}__org"
    return None


def victim_instance(model, world: World):
    victim = world.org(VICTIM_ORG)
    if model is Org:
        return victim
    if model is User:
        return world.users[VICTIM_USER]
    if model is ApiToken:
        return ApiToken.objects.filter(user=world.users[VICTIM_USER]).first()
    lookup = org_field(model)
    if lookup:
        return model.objects.filter(**{f"{lookup}__path__startswith": victim.path}).first()
    return None


def model_for(param: str):
    stem = re.sub(r"_(id|pk|code)$", "", param)
    if param == "code":
        stem = "org"
    stem = stem.replace("_", "")
    exact = [m for m in apps.get_models() if m._meta.model_name == stem]
    suffix = [m for m in apps.get_models() if m._meta.model_name.endswith(stem)]
    if exact:
        return exact[0]
    return suffix[0] if len(suffix) == 1 else None


def model_and_attr(param: str):
    """<model>_id, <model>_code, or <model>_<field> (e.g. importjob_kind: a value of that
    field among the victim's records), with the attribute that fills the parameter."""
    model = model_for(param)
    if model is not None:
        return model, "code" if param.endswith("code") else "pk"
    stem, _sep, attr = param.rpartition("_")
    model = model_for(stem) if stem else None
    if model is not None and attr in {f.name for f in model._meta.get_fields()}:
        return model, attr
    return None, None


def victim_value(param: str, world: World) -> str:
    model, attr = model_and_attr(param)
    instance = victim_instance(model, world) if model else None
    assert instance is not None, (
        f"URL parameter {param!r}: no victim record to fill it with. Name it <model>_id, "
        f"<model>_code or <model>_<field> and add a record in <app>/tests/samples.py."
    )
    return str(getattr(instance, attr))


def fill(route: str, world: World) -> str:
    return "/" + CONVERTER.sub(lambda m: victim_value(m.group("name"), world), route)


def victim_snapshot(world: World) -> dict:
    """Every row of the victim's subtree, and its staff and tokens, as plain values."""
    victim = world.org(VICTIM_ORG)
    users = User.objects.filter(roles__org__path__startswith=victim.path)
    snapshot = {
        "audit": AuditEvent.objects.filter(org__path__startswith=victim.path).count(),
        "users": list(
            users.order_by("pk").values(
                "pk", "username", "display_name", "email", "is_active", "password"
            )
        ),
        "tokens": list(
            ApiToken.objects.filter(user__in=users)
            .order_by("pk")
            .values("pk", "name", "revoked_at")
        ),
        "roles": list(Role.objects.filter(user__in=users).order_by("pk").values()),
    }
    for model in apps.get_models():
        if model is Org:
            rows = Org.objects.filter(path__startswith=victim.path)
        elif org_field(model) and model is not AuditEvent:
            lookup = org_field(model)
            rows = model.objects.filter(**{f"{lookup}__path__startswith": victim.path})
        else:
            continue
        snapshot[model._meta.label] = list(rows.order_by("pk").values())
    return snapshot


def post_data(world: World) -> dict:
    victim = world.org(VICTIM_ORG)
    return {
        "code": "zz-intruder",
        "name": "越权创建",
        "kind": "grassroots",
        "short_name": "越权",
        "org_code": victim.code,
        "org": victim.code,
        "to_org": victim.code,
        "new_parent_code": victim.code,
        "parent_code": victim.code,
        "role_id": victim_value("role_id", world),
        "role": "admin",
        "status": "archived",
        "active": "0",
        "action": "grant",
        "password": "Intruder-pass-2026",
        "display_name": "越权",
        "new_password": "Intruder-pass-2026",
        "reason": "越权",
    }


def response_text(response) -> str:
    """The body as text; downloads are streamed, and an xlsx is a zip of XML to read inside."""
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    if raw[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            raw = b"".join(archive.read(name) for name in archive.namelist())
    return raw.decode(errors="replace")


def assert_nothing_leaked(response, where: str) -> None:
    if response.status_code in (301, 302, 400, 401, 403, 404, 405, 409, 422):
        return
    assert response.status_code < 500, f"{where}: server error {response.status_code}"
    body = response_text(response)
    for marker in MARKERS:
        assert marker not in body, f"{where} shows {marker!r} to a user of a sibling org"


@pytest.fixture
def victim_world(world: World) -> World:
    collect_samples(world)
    token_create(user=world.users[VICTIM_USER], name="新街口对接")
    return world


def test_console_sanity_check_victim_sees_own_records(victim_world, login):
    """The markers do show up for the victim's own admin, so their absence below means something."""
    client = login("xinjiekou_admin")
    page = client.get(f"/orgs/{victim_world.orgs[VICTIM_ORG].pk}/")
    assert page.status_code == 200 and "新街口" in page.content.decode()


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_every_console_route_hides_and_protects_the_sibling_org(victim_world, attacker):
    # given
    client = Client()
    assert client.login(username=attacker, password=PASSWORD)
    routes = list(walk_patterns(get_resolver().url_patterns))
    assert len(routes) > 10, "the resolver walk found too few routes"
    before = victim_snapshot(victim_world)
    # when / then
    for route, name in routes:
        url = fill(route, victim_world)
        for response, how in (
            (client.get(url), "GET"),
            (client.get(url, {"q": "xjk"}), "GET ?q=xjk"),
            (client.post(url, post_data(victim_world)), "POST"),
        ):
            assert_nothing_leaked(response, f"{how} {url} ({name})")
        assert victim_snapshot(victim_world) == before, f"{url} ({name}) changed 新街口's records"
        # POSTs may log the attacker out (logout) or switch the acting org: start again.
        client = Client()
        assert client.login(username=attacker, password=PASSWORD)


def openapi_operations(client: Client) -> Iterator[tuple[str, str, dict]]:
    schema = client.get("/api/v1/openapi.json").json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            if method in {"get", "post", "put", "patch", "delete"}:
                yield method, path, operation


@pytest.mark.parametrize("attacker", ATTACKERS)
def test_every_api_operation_hides_and_protects_the_sibling_org(victim_world, attacker):
    # given
    _row, token = token_create(user=victim_world.users[attacker], name="walk")
    client = Client(headers={"authorization": f"Bearer {token}"})
    operations = list(openapi_operations(client))
    assert len(operations) >= 8, "the OpenAPI walk found too few operations"
    before = victim_snapshot(victim_world)
    payload = {**post_data(victim_world), "username": attacker, "password": "wrong"}
    # when / then
    for method, path, _operation in operations:
        url = "/api/v1" + re.sub(
            r"\{(\w+)\}",
            lambda m: victim_value(m.group(1), victim_world),
            path.removeprefix("/api/v1"),
        )
        for query in ({}, {"q": "xjk"}, {"parent": VICTIM_ORG}):
            if method == "get":
                response = client.get(url, query)
            else:
                response = getattr(client, method)(url, payload, content_type="application/json")
            assert_nothing_leaked(response, f"{method.upper()} {url} {query}")
            assert victim_snapshot(victim_world) == before, (
                f"{method} {url} changed 新街口's records"
            )


def _changed_without_audit(before: dict, after: dict) -> bool:
    data_before = {k: v for k, v in before.items() if k != "audit"}
    data_after = {k: v for k, v in after.items() if k != "audit"}
    return data_before != data_after and after["audit"] <= before["audit"]


def test_every_console_route_that_changes_data_writes_an_audit_event(victim_world):
    """The same walk as 新街口's own admin, whose POSTs do change things: each must be audited."""
    client = Client()
    assert client.login(username="xinjiekou_admin", password=PASSWORD)
    for route, name in walk_patterns(get_resolver().url_patterns):
        url = fill(route, victim_world)
        before = victim_snapshot(victim_world)
        client.post(url, post_data(victim_world))
        after = victim_snapshot(victim_world)
        assert not _changed_without_audit(before, after), f"POST {url} ({name}) was not audited"
        client = Client()
        assert client.login(username="xinjiekou_admin", password=PASSWORD)


def test_every_api_operation_that_changes_data_writes_an_audit_event(victim_world):
    _row, token = token_create(user=victim_world.users["xinjiekou_admin"], name="walk")
    client = Client(headers={"authorization": f"Bearer {token}"})
    payload = {**post_data(victim_world), "parent_code": VICTIM_ORG, "code": "bj-xc-xjk-new"}
    for method, path, _operation in openapi_operations(client):
        if method == "get":
            continue
        url = "/api/v1" + re.sub(
            r"\{(\w+)\}", lambda m: victim_value(m.group(1), victim_world), path[len("/api/v1") :]
        )
        before = victim_snapshot(victim_world)
        getattr(client, method)(url, payload, content_type="application/json")
        after = victim_snapshot(victim_world)
        assert not _changed_without_audit(before, after), f"{method} {url} was not audited"
