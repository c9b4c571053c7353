"""Kit scans under load: 50 phones scanning at once against the server as deployed.

    .venv/bin/python bench/care_scan.py            # 60 s of scanning
    .venv/bin/python bench/care_scan.py --quick    # 20 s

Makes a throwaway PostgreSQL database (or uses DATABASE_URL: point it at a scratch one), an
open campaign at 5 sites with 100,000 kits packed through the services, 60,000 workers with
phones (bulk-inserted: the bench measures hand-outs, not registrations), and a bearer token
for a site officer. Then gunicorn (4 sync workers, as ``make demo`` runs it) serves the real
API and 50 scanners post ``POST /api/v1/care/campaigns/{id}/sites/{id}/hand-outs`` for the
time given, each request a new connection as a phone on a mobile network makes them (the
scanners are coroutines of one asyncio loop, so the load costs the machine little beside
the server). Most scans are new
people; 5% scan someone already served at another site (must be refused, 409), 3% resend
their last request id as a retry after a timeout does (must answer 200 with the first
result). Afterwards SQL counts people holding two live hand-outs of the campaign
(``doubles``), negative balances, and checks that every balance equals its ledger.
Target: at least 300 hand-outs/s with no doubles. The CPU each request cost (gunicorn,
PostgreSQL, scanners) and the load average are printed too, to compare runs on a machine
shared with other work.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common.setup import ROOT, setup_django  # noqa: E402

SCANNERS = 50
SITES = 5
KITS_PER_SITE = 20_000
WORKERS = 60_000
REPEAT_SHARE, RETRY_SHARE = 0.05, 0.03


def make_world():
    """The test world's orgs and officers, a campaign open at 5 sites, workers, a token."""
    from gonghui.accounts.services import token_create
    from gonghui.care.tests.factories import make_care
    from gonghui.core.crypto import blind_index, keyring
    from gonghui.core.testing import build_world
    from gonghui.members.models import Worker

    world = build_world()
    care = make_care(world, sites=SITES, kits=KITS_PER_SITE, target_forms=["courier", "rider"])
    org = world.org("bj-dc-lt")
    ring = keyring()
    phones = [f"139{n:08d}" for n in range(WORKERS)]
    Worker.objects.bulk_create(
        [
            Worker(
                org=org,
                name=f"骑手{n}",
                name_pinyin=f"qishou{n}",
                name_initials="qs",
                phone_index=blind_index("phone", phone, ring),
                phone_masked=phone[:3] + "****" + phone[-4:],
                phone_tail=phone[-4:],
                employment_form="rider",
            )
            for n, phone in enumerate(phones)
        ],
        batch_size=5000,
    )
    _row, token = token_create(user=world.users["longtan_officer"], name="bench")
    return care, phones, token


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int) -> subprocess.Popen:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "gonghui.wsgi",
        f"--bind=127.0.0.1:{port}",
        f"--workers={workers}",
        "--log-level=warning",
        "--backlog=2048",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


class Scans:
    """Who is scanned next: new people from a shared pool, repeats and retries now and then.
    The scanners are coroutines of one event loop, so no lock is needed."""

    def __init__(self, phones: list[str]) -> None:
        self.pool = iter(phones)
        self.served: list[str] = []

    def next_new(self) -> str | None:
        return next(self.pool, None)

    def served_one(self, rng: random.Random) -> str | None:
        return rng.choice(self.served) if self.served else None

    def mark(self, phone: str) -> None:
        self.served.append(phone)


async def post(port: int, path: str, headers: bytes, body: bytes) -> int | str:
    """One request on a new connection, as a phone makes it; the answer's status."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), 30)
        try:
            writer.write(
                b"POST %s HTTP/1.1\r\n%sContent-Length: %d\r\n\r\n%s"
                % (path.encode(), headers, len(body), body)
            )
            status_line = await asyncio.wait_for(reader.readline(), 30)
            await asyncio.wait_for(reader.read(), 30)  # the server closes after answering
        finally:
            writer.close()
        return int(status_line.split()[1])
    except (OSError, IndexError, ValueError):  # TimeoutError is an OSError
        return "error"


async def scanner(n, port, token, care, scans, until, statuses, latencies) -> None:
    rng = random.Random(n)
    headers = (
        f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nConnection: close\r\n"
    ).encode()
    last = None
    while time.monotonic() < until:
        row = care.campaign_sites[rng.randrange(SITES)]
        roll = rng.random()
        if roll < RETRY_SHARE and last:
            phone, request_id, expect = last[0], last[1], "retry"
        elif roll < RETRY_SHARE + REPEAT_SHARE and (phone := scans.served_one(rng)):
            request_id, expect = str(uuid.uuid4()), "repeat"
        else:
            phone, request_id, expect = scans.next_new(), str(uuid.uuid4()), "new"
            if phone is None:
                return
        body = json.dumps({"code": phone, "request_id": request_id}).encode()
        path = f"/api/v1/care/campaigns/{care.campaign.pk}/sites/{row.pk}/hand-outs"
        started = time.monotonic()
        status = await post(port, path, headers, body)
        latencies.append(time.monotonic() - started)
        statuses[(expect, status)] += 1
        if expect == "new" and status == 201:
            scans.mark(phone)
            last = (phone, request_id)


async def warm_up(port: int, token: str, workers: int) -> None:
    """A few reads through every worker first, as a server long in service has had: each
    worker loads the URL map and the API on its first request (a second or so of CPU)."""
    headers = f"Host: 127.0.0.1:{port}\r\nAuthorization: Bearer {token}\r\n".encode()

    async def read() -> None:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            b"GET /api/v1/care/campaigns HTTP/1.1\r\n%sConnection: close\r\n\r\n" % headers
        )
        await reader.read()
        writer.close()

    for _round in range(3):
        await asyncio.gather(*(read() for _n in range(4 * workers)))


async def scan_all(port, token, care, scans, seconds, statuses, latencies) -> float:
    """50 scanners at once for ``seconds``; returns the time they took."""
    began = time.monotonic()
    until = began + seconds
    await asyncio.gather(
        *(scanner(n, port, token, care, scans, until, statuses, latencies) for n in range(SCANNERS))
    )
    return time.monotonic() - began


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, from /proc (0 if it is gone)."""
    try:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as handle:
                stack.extend(int(child) for child in handle.read().split())
        except (FileNotFoundError, ProcessLookupError):
            continue
    return found


class CpuMeter:
    """CPU time the run costs, by part: gunicorn's processes, the PostgreSQL backends serving
    this database, and this scanning process; comparable between runs made under a similar
    load average (on a machine other work shares, a request's CPU time grows with the load,
    if much less than its wait). PostgreSQL's backends are found in pg_stat_activity every
    half second (the server runs on this machine)."""

    def __init__(self, server_pid: int, database_url: str) -> None:
        self.server_pid, self.database_url = server_pid, database_url
        self.backends: dict[int, float] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)

    def __enter__(self) -> CpuMeter:
        self.server_start = self._server_idle()
        self.client_start = time.process_time()
        self.thread.start()
        return self

    def _server_idle(self) -> float:
        """gunicorn's CPU once every worker has booted (their start is not a request's cost)."""
        last, deadline = -1.0, time.monotonic() + 30
        while time.monotonic() < deadline:
            now = sum(_cpu_seconds(p) for p in _tree(self.server_pid))
            if now - last < 0.02:
                return now
            last = now
            time.sleep(0.5)
        return last

    def _watch(self) -> None:
        import psycopg

        with psycopg.connect(self.database_url, autocommit=True) as conn:
            while True:
                rows = conn.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database()"
                    " AND pid <> pg_backend_pid()"
                ).fetchall()
                for (pid,) in rows:
                    self.backends[pid] = _cpu_seconds(pid) or self.backends.get(pid, 0.0)
                if self.stop.wait(0.5):
                    return

    def __exit__(self, *exc) -> None:
        self.server = sum(_cpu_seconds(p) for p in _tree(self.server_pid)) - self.server_start
        self.stop.set()
        self.thread.join()
        self.client = time.process_time() - self.client_start
        self.database = sum(self.backends.values())

    def report(self, requests: int) -> str:
        per = [part * 1000 / max(requests, 1) for part in (self.server, self.database, self.client)]
        return (
            f"cpu per request: gunicorn {per[0]:.1f} ms, PostgreSQL {per[1]:.1f} ms, "
            f"scanners {per[2]:.1f} ms"
        )


def check(care) -> dict:
    """The double-count check, in SQL on the result."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM (SELECT worker_id FROM care_distribution WHERE campaign_id = %s"
            " AND voided_at IS NULL GROUP BY worker_id HAVING count(*) > 1) d",
            [care.campaign.pk],
        )
        doubles = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM care_stockbalance WHERE quantity < 0")
        negative = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM care_stockbalance b LEFT JOIN (SELECT site_id, item_id,"
            " sum(delta) AS s FROM care_stockmovement GROUP BY 1, 2) m USING (site_id, item_id)"
            " WHERE b.quantity <> coalesce(m.s, 0)"
        )
        unbalanced = cursor.fetchone()[0]
        cursor.execute(
            "SELECT count(*) FROM care_distribution WHERE campaign_id = %s", [care.campaign.pk]
        )
        handouts = cursor.fetchone()[0]
        cursor.execute(
            "SELECT %s * %s - coalesce(sum(quantity), 0) FROM care_stockbalance WHERE item_id = %s",
            [SITES, KITS_PER_SITE, care.kit.pk],
        )
        kits_gone = cursor.fetchone()[0]
    return {
        "doubles": doubles,
        "negative_stock": negative,
        "unbalanced": unbalanced,
        "handouts": handouts,
        "kits_gone": kits_gone,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="scan for 20 s instead of 60 s")
    parser.add_argument("--seconds", type=int, default=0)
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    options = parser.parse_args()
    seconds = options.seconds or (20 if options.quick else 60)
    setup_django("care_scan")
    started = time.monotonic()
    care, phones, token = make_world()
    print(
        f"set up: {SITES} sites, {SITES * KITS_PER_SITE} kits, {WORKERS} workers "
        f"({time.monotonic() - started:.1f} s)"
    )
    from django.db import connection

    connection.close()
    port = free_port()
    server = start_gunicorn(port, options.workers)
    statuses: Counter = Counter()
    latencies: list[float] = []
    scans = Scans(phones)
    meter = CpuMeter(server.pid, os.environ["DATABASE_URL"])
    try:
        asyncio.run(warm_up(port, token, options.workers))
        load_before = os.getloadavg()[0]
        with meter:
            elapsed = asyncio.run(scan_all(port, token, care, scans, seconds, statuses, latencies))
    finally:
        server.terminate()
        server.wait(timeout=30)
    result = check(care)
    created = statuses[("new", 201)]
    latencies.sort()
    p50 = latencies[len(latencies) // 2] * 1000 if latencies else 0
    p95 = latencies[int(len(latencies) * 0.95)] * 1000 if latencies else 0
    print(
        f"requests: {sum(statuses.values())} in {elapsed:.1f} s, p50 {p50:.0f} ms, p95 {p95:.0f} ms"
    )
    for (expect, status), n in sorted(statuses.items(), key=str):
        print(f"  {expect:6} -> {status}: {n}")
    print(
        meter.report(sum(statuses.values()))
        + f" (load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after)"
    )
    wrong = sum(
        n
        for (expect, status), n in statuses.items()
        if (expect, status) not in {("new", 201), ("repeat", 409), ("retry", 200)}
    )
    print(
        f"unexpected answers: {wrong}; ledger rows off: {result['unbalanced']}; kits gone: "
        f"{result['kits_gone']} for {result['handouts']} hand-outs"
    )
    print(f"rerun: .venv/bin/python bench/care_scan.py{' --quick' if options.quick else ''}")
    per_s = created / elapsed if elapsed else 0
    print(
        f"BENCH care_scan handouts={result['handouts']} per_s={per_s:.0f} "
        f"doubles={result['doubles']} negative_stock={result['negative_stock']}"
    )
    bad = result["doubles"] or result["negative_stock"] or result["unbalanced"] or wrong
    if bad or result["kits_gone"] != result["handouts"]:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
