"""Gonghui's settings plus django-import-export and the benchmark's comparison model."""

from gonghui.settings import *  # noqa: F403
from gonghui.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "import_export", "bench.common.ie_app"]
