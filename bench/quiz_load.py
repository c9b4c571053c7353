"""The quiz week under load: 41,093 workers take the quiz against the server as deployed.

    .venv/bin/python bench/quiz_load.py            # 41,093 sittings
    .venv/bin/python bench/quiz_load.py --quick    # 2,000 sittings, under a minute

Makes a throwaway PostgreSQL database (or uses DATABASE_URL: point it at a scratch one), a
bus group with 20 branch unions and 41,093 + 100 workers with phones in their registers
(bulk-inserted: the bench measures the quiz, not registrations), a bank of 60 questions and
an open campaign drawing 10 a sitting (5 single, 3 multiple, 2 true/false; one sitting each).
Then gunicorn serves the real application (``--workers``, default 3) and a low-CPU asyncio
load generator in this process replays the week with 100 workers at once, each request on a
new connection as a phone makes it:

  open      GET  /h5/quiz/<token>/?branch=<code>          the poster's link
  code      POST /api/v1/quiz/sign-in/code                 a one-time code texted
  sign_in   POST /api/v1/quiz/sign-in                      phone + code -> worker token
  start     POST /api/v1/quiz/campaigns/<token>/sittings   the paper drawn
  answer    POST /api/v1/quiz/sittings/<id>/answers        x 10, one per question
  submit    POST /api/v1/quiz/sittings/<id>/submit         scored, counted once

The code reaches the generator through a bench-only SMS sender (bench/common/sms_udp.py: a
UDP datagram with a hash of the phone). Each simulated phone has its own address
(``X-Forwarded-For`` with ``BEHIND_PROXY=1``), as phones on a mobile network do, so the
per-address limit on code requests applies per phone as in production; the per-phone
limits are untouched. Before the replay, on the same server and with the same generator
and concurrency, 15 s (5 s with --quick) of ``GET /healthz`` give ``trivial_rps`` and 15 s
of answer saves by 100 workers in open sittings give ``answer_rps``. Afterwards SQL checks
that every participant has exactly one scored sitting with its 10 answer rows.
Targets (2 cores): all 41,093 sittings in <= 300 s; submit p99 <= 250 ms; answer_rps >= 40%
of trivial_rps.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import time
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common.setup import ROOT, percentile, setup_django  # noqa: E402
from bench.common.sms_udp import phone_key  # noqa: E402

SITTINGS = 41_093
QUICK_SITTINGS = 2_000
CONCURRENCY = 100
BRANCHES = 20
STEPS = ("open", "code", "sign_in", "start", "answer", "submit")


def phone_of(n: int) -> str:
    return f"139{n:08d}"


def address_of(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


def make_world(workers: int):
    """The bus group and its branches, the register, the bank and the open campaign."""
    from datetime import timedelta

    from django.utils import timezone

    from gonghui.core.crypto import blind_index, keyring
    from gonghui.core.testing import build_world
    from gonghui.members.models import Worker
    from gonghui.orgs.models import Org
    from gonghui.quizzes.models import Question, QuestionBank, QuizCampaign, TagQuota

    world = build_world()
    group = Org.objects.add_child(
        world.org("bj"), {"code": "bus", "name": "北京公交集团工会", "kind": "grassroots"}
    )
    branches = [
        Org.objects.add_child(
            Org.objects.get(pk=group.pk),
            {"code": f"bus-{i:02d}", "name": f"公交第{i}分公司工会", "kind": "branch"},
        )
        for i in range(1, BRANCHES + 1)
    ]
    ring = keyring()
    rows = []
    for n in range(workers):
        phone = phone_of(n)
        rows.append(
            Worker(
                org=branches[n % BRANCHES],
                name=f"职工{n}",
                name_pinyin=f"zhigong{n}",
                name_initials="zg",
                phone_index=blind_index("phone", phone, ring),
                phone_masked=phone[:3] + "****" + phone[-4:],
                phone_tail=phone[-4:],
            )
        )
    Worker.objects.bulk_create(rows, batch_size=5000)
    bank = QuestionBank.objects.create(org=group, name="二十大知识题库")
    questions = []
    for kind, count, options, answer in (
        ("single", 30, ["甲", "乙", "丙", "丁"], "B"),
        ("multiple", 15, ["甲", "乙", "丙", "丁", "戊"], "AC"),
        ("true_false", 15, ["正确", "错误"], "A"),
    ):
        questions += [
            Question(
                bank=bank,
                kind=kind,
                stem=f"{kind}题{i}",
                options=options,
                answer=answer,
                explanation="解析",
                tags=[kind],
            )
            for i in range(count)
        ]
    Question.objects.bulk_create(questions)
    now = timezone.now()
    campaign = QuizCampaign.objects.create(
        org=group,
        title="学习二十大 奋进新公交",
        starts_at=now - timedelta(hours=1),
        ends_at=now + timedelta(days=7),
        status="open",
        time_limit_seconds=1800,
    )
    for tag, count in (("single", 5), ("multiple", 3), ("true_false", 2)):
        TagQuota.objects.create(campaign=campaign, bank=bank, tag=tag, count=count)
    return campaign, [b.code for b in branches]


def free_port(kind=socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int, workers: int, udp_port: int) -> subprocess.Popen:
    env = {
        **os.environ,
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "SMS_SENDER": "bench.common.sms_udp.UdpCodeSender",
        "BENCH_SMS_UDP": f"127.0.0.1:{udp_port}",
        "BEHIND_PROXY": "1",  # each simulated phone has its own address (X-Forwarded-For)
        "PYTHONPATH": str(REPO),  # the bench sender lives in bench/common
    }
    command = [str(Path(sys.executable).parent / "gunicorn"), "gonghui.wsgi",
               f"--bind=127.0.0.1:{port}", f"--workers={workers}", "--log-level=warning",
               "--backlog=2048"]  # fmt: skip
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    import http.client

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


# -- the load generator: asyncio streams, one connection per request --------------------------


class Http:
    def __init__(self, port: int) -> None:
        self.port = port
        self.errors = 0

    async def call(self, method: str, path: str, *, body=None, token=None, address="10.0.0.1"):
        data = json.dumps(body).encode() if body is not None else b""
        head = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close",
                f"X-Forwarded-For: {address}"]  # fmt: skip
        if token:
            head.append(f"Authorization: Bearer {token}")
        if body is not None:
            head += ["Content-Type: application/json", f"Content-Length: {len(data)}"]
        reader, writer = await asyncio.open_connection("127.0.0.1", self.port)
        writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + data)
        raw = await reader.read()
        writer.close()
        head_end = raw.find(b"\r\n\r\n")
        status = int(raw[9:12]) if raw[:5] == b"HTTP/" else 0
        return status, raw[head_end + 4 :]


class Codes(asyncio.DatagramProtocol):
    """One-time codes arriving from the server's bench sender."""

    def __init__(self) -> None:
        self.waiting: dict[str, asyncio.Future] = {}

    def expect(self, phone: str) -> asyncio.Future:
        future = asyncio.get_running_loop().create_future()
        self.waiting[phone_key(phone)] = future
        return future

    def datagram_received(self, data: bytes, addr) -> None:
        key, code = data.decode().split()
        future = self.waiting.pop(key, None)
        if future is not None and not future.done():
            future.set_result(code)


class Replay:
    def __init__(self, http: Http, codes: Codes, campaign_token: str, branches: list[str]):
        self.http, self.codes = http, codes
        self.token, self.branches = campaign_token, branches
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.failures: dict[str, int] = defaultdict(int)
        self.done = 0

    async def step(self, name: str, expected: int, method: str, path: str, **kwargs):
        started = time.perf_counter()
        status, body = await self.http.call(method, path, **kwargs)
        self.latency[name].append(time.perf_counter() - started)
        if status != expected:
            self.failures[f"{name} {status}"] += 1
            raise RuntimeError(f"{name}: {status} {body[:200]!r}")
        return body

    async def sign_in(self, n: int) -> str:
        phone, address = phone_of(n), address_of(n)
        arrived = self.codes.expect(phone)
        await self.step(
            "code", 200, "POST", "/api/v1/quiz/sign-in/code", body={"phone": phone}, address=address
        )
        code = await asyncio.wait_for(arrived, 30)
        body = await self.step(
            "sign_in",
            200,
            "POST",
            "/api/v1/quiz/sign-in",
            body={"phone": phone, "code": code},
            address=address,
        )
        return json.loads(body)["token"]

    async def start(self, n: int, token: str) -> dict:
        body = await self.step(
            "start",
            200,
            "POST",
            f"/api/v1/quiz/campaigns/{self.token}/sittings",
            body={},
            token=token,
            address=address_of(n),
        )
        return json.loads(body)

    async def answer(self, n: int, token: str, sitting: dict, question: dict, rng) -> None:
        letters = [o["letter"] for o in question["options"]]
        choice = (
            "".join(sorted(rng.sample(letters, 2)))
            if question["kind"] == "multiple"
            else rng.choice(letters)
        )
        await self.step(
            "answer",
            200,
            "POST",
            f"/api/v1/quiz/sittings/{sitting['id']}/answers",
            body={"question": question["id"], "answer": choice},
            token=token,
            address=address_of(n),
        )

    async def worker(self, n: int) -> None:
        rng = random.Random(n)
        branch = self.branches[n % len(self.branches)]
        await self.step(
            "open", 200, "GET", f"/h5/quiz/{self.token}/?branch={branch}", address=address_of(n)
        )
        token = await self.sign_in(n)
        sitting = await self.start(n, token)
        for question in sitting["questions"]:
            await self.answer(n, token, sitting, question, rng)
        await self.step(
            "submit",
            200,
            "POST",
            f"/api/v1/quiz/sittings/{sitting['id']}/submit",
            body={},
            token=token,
            address=address_of(n),
        )
        self.done += 1
        if self.done % 2000 == 0:
            print(f"  {self.done} sittings", file=sys.stderr, flush=True)

    async def run(self, numbers, concurrency: int) -> float:
        queue = iter(numbers)

        async def lane():
            for n in queue:
                try:
                    await self.worker(n)
                except (TimeoutError, RuntimeError, OSError):
                    pass

        started = time.perf_counter()
        await asyncio.gather(*(lane() for _ in range(concurrency)))
        return time.perf_counter() - started


async def hammer(call, seconds: float, concurrency: int) -> tuple[float, int]:
    """``call()`` from ``concurrency`` lanes for ``seconds``: requests per second, failures."""
    until = time.perf_counter() + seconds
    count = failed = 0

    async def lane(i: int):
        nonlocal count, failed
        while time.perf_counter() < until:
            if await call(i):
                count += 1
            else:
                failed += 1

    started = time.perf_counter()
    await asyncio.gather(*(lane(i) for i in range(concurrency)))
    return count / (time.perf_counter() - started), failed


async def measure(port: int, udp_port: int, campaign_token, branches, sittings: int,
                  phase_seconds: float) -> dict:  # fmt: skip
    loop = asyncio.get_running_loop()
    codes = Codes()
    transport, _ = await loop.create_datagram_endpoint(
        lambda: codes, local_addr=("127.0.0.1", udp_port)
    )
    http = Http(port)
    replay = Replay(http, codes, campaign_token, branches)
    try:

        async def trivial(_i):
            status, _body = await http.call("GET", "/healthz")
            return status == 200

        trivial_rps, trivial_failed = await hammer(trivial, phase_seconds, CONCURRENCY)
        print(f"trivial endpoint: {trivial_rps:.0f}/s", file=sys.stderr, flush=True)
        # answer saves alone: 100 extra workers (beyond the replay's) in open sittings
        lanes = []
        for i in range(CONCURRENCY):
            n = sittings + i
            token = await replay.sign_in(n)
            lanes.append((n, token, await replay.start(n, token), random.Random(n)))

        async def answer(i):
            n, token, sitting, rng = lanes[i]
            try:
                await replay.answer(n, token, sitting, rng.choice(sitting["questions"]), rng)
                return True
            except RuntimeError:
                return False

        answer_rps, answer_failed = await hammer(answer, phase_seconds, CONCURRENCY)
        print(f"answer saves alone: {answer_rps:.0f}/s", file=sys.stderr, flush=True)
        replay.latency.clear()
        seconds = await replay.run(range(sittings), CONCURRENCY)
    finally:
        transport.close()
    return {"trivial_rps": trivial_rps, "answer_rps": answer_rps, "seconds": seconds,
            "replay": replay, "phase_failures": trivial_failed + answer_failed}  # fmt: skip


def check(campaign_id: int) -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*), count(*) FILTER (WHERE submitted_count = 1 AND sittings_count = 1"
            " AND counted_score IS NOT NULL) FROM quizzes_participant WHERE campaign_id = %s",
            [campaign_id],
        )
        participants, scored = cursor.fetchone()
        cursor.execute(
            "SELECT count(*) FROM (SELECT s.id FROM quizzes_sitting s LEFT JOIN"
            " quizzes_sittinganswer a ON a.sitting_id = s.id WHERE s.campaign_id = %s"
            " AND s.submitted_at IS NOT NULL GROUP BY s.id HAVING count(a.id) <> 10) bad",
            [campaign_id],
        )
        bad_answer_rows = cursor.fetchone()[0]
    return {"participants": participants, "scored": scored, "bad_answer_rows": bad_answer_rows}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_SITTINGS} sittings")
    parser.add_argument("--sittings", type=int, default=0)
    parser.add_argument("--workers", type=int, default=3, help="gunicorn workers (default 3)")
    options = parser.parse_args()
    sittings = options.sittings or (QUICK_SITTINGS if options.quick else SITTINGS)
    phase_seconds = 5 if options.quick else 15
    setup_django("quiz_load")
    started = time.monotonic()
    campaign, branches = make_world(sittings + CONCURRENCY)
    print(
        f"set up: {BRANCHES} branches, {sittings + CONCURRENCY} workers, 60 questions "
        f"({time.monotonic() - started:.1f} s)"
    )
    from django.db import connection

    connection.close()
    port, udp_port = free_port(), free_port(socket.SOCK_DGRAM)
    server = start_gunicorn(port, options.workers, udp_port)
    import atexit

    atexit.register(server.terminate)  # even when interrupted
    try:
        result = asyncio.run(
            measure(port, udp_port, campaign.token, branches, sittings, phase_seconds)
        )
    finally:
        server.terminate()
        server.wait(timeout=30)
    replay = result["replay"]
    print(
        f"trivial GET /healthz: {result['trivial_rps']:.0f}/s; answer saves alone: "
        f"{result['answer_rps']:.0f}/s ({CONCURRENCY} at once, {phase_seconds} s each)"
    )
    print(
        f"replay: {replay.done} sittings in {result['seconds']:.1f} s "
        f"({replay.done / result['seconds']:.0f}/s), {CONCURRENCY} workers at once"
    )
    print(f"{'step':8} {'count':>7} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for step in STEPS:
        values = replay.latency[step]
        if values:
            print(
                f"{step:8} {len(values):7d} {len(values) / result['seconds']:7.0f} "
                f"{percentile(values, 50) * 1000:7.1f} {percentile(values, 95) * 1000:7.1f} "
                f"{percentile(values, 99) * 1000:7.1f}"
            )
    for failure, n in sorted(replay.failures.items()):
        print(f"  failed: {failure} x {n}")
    checked = check(campaign.pk)
    print(
        f"check: {checked['participants']} participants, {checked['scored']} with one scored "
        f"sitting, {checked['bad_answer_rows']} sittings without exactly 10 answer rows"
    )
    print(f"rerun: .venv/bin/python bench/quiz_load.py{' --quick' if options.quick else ''}")
    submits = replay.latency["submit"]
    submit_p99 = percentile(submits, 99) * 1000 if submits else 0
    ratio = result["answer_rps"] / result["trivial_rps"] if result["trivial_rps"] else 0
    print(
        f"BENCH quiz_load sittings={replay.done} seconds={result['seconds']:.1f} "
        f"submit_p99_ms={submit_p99:.0f} answer_rps={result['answer_rps']:.0f} "
        f"trivial_rps={result['trivial_rps']:.0f} ratio={ratio:.2f}"
    )
    if (
        replay.done != sittings
        or checked["bad_answer_rows"]
        or checked["scored"] != sittings + CONCURRENCY - CONCURRENCY
    ):
        raise SystemExit(1)


if __name__ == "__main__":
    main()
