"""An import killed half-way leaves no partial rows: the one-pass import runs in one
transaction, so killing the process (SIGKILL, as an OOM killer or a pulled plug would)
while rows are being written leaves the register as it was. PostgreSQL, real processes."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from gonghui.core.identity import id_check_digit
from gonghui.core.imports.testing import write_xlsx
from gonghui.core.testing import build_world
from gonghui.members.models import Worker

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
ROWS = 30_000


def _rows():
    for n in range(ROWS):
        first17 = f"110101{1960 + n % 40}0101{n % 1000:03d}"
        first17 = f"11{n // 1000:04d}{first17[6:]}"
        yield [f"职工{n}", first17 + id_check_digit(first17), f"139{n:08d}"]


def test_killing_the_import_while_it_writes_leaves_no_rows(tmp_path):
    build_world()
    path = write_xlsx(tmp_path / "big.xlsx", [["姓名", "身份证号码", "手机号码"], *_rows()])
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:"
        f"{db['PORT'] or 5432}/{db['NAME']}",
        "GONGHUI_KEY_FILE": str(settings.GONGHUI_KEY_FILE),
        "GONGHUI_VAR_DIR": str(tmp_path / "var"),
    }
    manage = Path(settings.BASE_DIR) / "manage.py"
    process = subprocess.Popen(
        [sys.executable, str(manage), "import_workers", str(path), "--org", "bj-dc-lt", "--commit"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # wait until it is part-way through the rows, then kill it without warning
    progress = b""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        progress += os.read(process.stderr.fileno(), 4096)
        done = [int(p.split(b"/")[0]) for p in progress.split() if b"/" in p and p[0:1].isdigit()]
        if done and done[-1] >= ROWS // 3:
            break
    workers = _children(process.pid)
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    for child in workers:  # its checking workers too
        try:
            os.kill(child, signal.SIGKILL)
        except ProcessLookupError:
            pass
    assert done and done[-1] < ROWS, "the import finished before it could be killed"
    assert Worker.objects.count() == 0


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as handle:
            return [int(c) for c in handle.read().split()]
    except FileNotFoundError:
        return []
