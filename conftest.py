import pytest
from django.test import Client

from gonghui.core.testing import PASSWORD, World, build_world


@pytest.fixture(autouse=True)
def _fast_test_settings(settings, tmp_path):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.LANGUAGE_CODE = "zh-hans"
    settings.MEDIA_ROOT = tmp_path / "media"  # uploads made by tests go away with them
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.VAR_DIR = tmp_path / "var"
    settings.GONGHUI_KEY_FILE = tmp_path / "keys.json"
    settings.SMS_SENDER = "gonghui.core.sms.MemorySender"
    settings.QUIZ_DEMO_SITTINGS = 411  # the demo's quiz at 1% of its 41,093 sittings
    from gonghui.core.sms import MemorySender

    MemorySender.outbox.clear()
    from gonghui.core.localcache import clear_local_caches

    clear_local_caches()  # ids are reused after a rolled-back test (SQLite)


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture
def login(world):
    """``login("longtan_officer")`` gives a console client logged in as that named user."""

    def _login(username: str) -> Client:
        client = Client()
        assert client.login(username=username, password=PASSWORD)
        return client

    return _login


def pytest_collection_modifyitems(config, items):
    """Tests marked ``postgres`` run only when the suite runs on PostgreSQL (.ci/run does)."""
    from django.conf import settings

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        return
    skip = pytest.mark.skip(reason="needs PostgreSQL: .ci/run runs these with DATABASE_URL set")
    for item in items:
        if "postgres" in item.keywords:
            item.add_marker(skip)
