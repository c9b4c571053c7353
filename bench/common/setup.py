"""Shared set-up for benchmarks: a throwaway PostgreSQL database (or DATABASE_URL), a
throwaway var/ directory, Django configured, migrations applied, and peak-memory sampling."""

from __future__ import annotations

import atexit
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PG = "postgres://postgres@127.0.0.1:5432"


def setup_django(name: str, *, settings: str = "gonghui.settings", keep_db: bool = False) -> str:
    """Create a database for this run (dropped at exit unless kept), then django.setup()."""
    sys.path.insert(0, str(ROOT))
    if "DATABASE_URL" not in os.environ:
        db = f"gonghui_bench_{name}_{os.getpid()}"
        _psql(f"CREATE DATABASE {db}")
        if not keep_db:
            atexit.register(_psql, f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
        os.environ["DATABASE_URL"] = f"{PG}/{db}"
    os.environ.setdefault("GONGHUI_VAR_DIR", tempfile.mkdtemp(prefix=f"gonghui-bench-{name}-"))
    os.environ["DJANGO_SETTINGS_MODULE"] = settings
    os.environ.setdefault("TASKS_BACKEND", "immediate")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return os.environ["DATABASE_URL"]


def _psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql, "postgres"],
        check=True,
        capture_output=True,
    )


def _tree_rss_kb(pid: int) -> int:
    """Memory of a process and all its descendants, from /proc: the proportional set size,
    so pages that forked workers share with their parent are counted once, not per worker."""
    total, stack = 0, [pid]
    while stack:
        current = stack.pop()
        try:
            with open(f"/proc/{current}/smaps_rollup") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
            with open(f"/proc/{current}/task/{current}/children") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return total


class PeakMemory:
    """Samples this process tree's memory every 200 ms while in the block (reading PSS makes
    the kernel walk each process's pages: every 50 ms that cost the parent ~8 s of CPU in the
    million-row import; its plateaus last seconds, so a fifth of that loses no peak)."""

    def __enter__(self) -> PeakMemory:
        self.peak_kb = _tree_rss_kb(os.getpid())
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.2):
            self.peak_kb = max(self.peak_kb, _tree_rss_kb(os.getpid()))

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def mb(self) -> float:
        return self.peak_kb / 1024


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Timer:
    def __enter__(self) -> Timer:
        self.started = time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.seconds = time.perf_counter() - self.started
