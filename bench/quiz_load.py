"""The quiz week under load: 41,093 workers take the quiz against the server as deployed.

    .venv/bin/python bench/quiz_load.py                    # 41,093 sittings
    .venv/bin/python bench/quiz_load.py --quick            # 2,000 sittings, 5 s phases
    .venv/bin/python bench/quiz_load.py --sittings 300 --answers single

Makes a throwaway PostgreSQL database (or uses DATABASE_URL: point it at a scratch one), a
bus group with 20 branch unions and 41,093 + 100 workers with phones in their registers
(bulk-inserted: the bench measures the quiz, not registrations), a bank of 60 questions and
an open campaign drawing 10 a sitting (5 single, 3 multiple, 2 true/false; one sitting each).
Then gunicorn serves the real application (``--workers``, default 5: two a core plus one, as
docs/operations.md deploys it) and the load generator
bench/loadgen (Rust, std only, built here with ``cargo build --release --offline``: 100 OS
threads with blocking sockets, so it costs the server next to no CPU) replays the week with
100 workers at once, each request on a new connection as a phone makes it:

  open      GET  /h5/quiz/<token>/?branch=<code>          the poster's link
  code      POST /api/v1/quiz/sign-in/code                 a one-time code texted
  sign_in   POST /api/v1/quiz/sign-in                      phone + code -> worker token
  start     POST /api/v1/quiz/campaigns/<token>/sittings   the paper drawn
  answer    POST /api/v1/quiz/sittings/<id>/answers        --answers batch (the default):
                                                           once, all 10 answers; single:
                                                           x 10, one per question
  submit    POST /api/v1/quiz/sittings/<id>/submit         scored, counted once

The code reaches the generator through a bench-only SMS sender (bench/common/sms_udp.py: a
UDP datagram with a hash of the phone; the hashes are handed to the generator in a file, as
std Rust has no sha256). Each simulated phone has its own address (``X-Forwarded-For`` with
``BEHIND_PROXY=1``), as phones on a mobile network do, so the per-address limit on code
requests applies per phone as in production; the per-phone limits are untouched. Before the
replay, on the same server and with the same generator and concurrency, 15 s (5 s with
--quick) of ``GET /healthz`` give ``trivial_rps`` and 15 s of answer requests (the same kind
as the replay's) by 100 workers in open sittings give ``answer_rps``. The generator reports
its own CPU time, printed per request. Afterwards SQL checks that every participant has
exactly one scored sitting with its 10 answer rows.
Targets (2 cores): all 41,093 sittings in <= 300 s; submit p99 <= 250 ms; answer_rps >= 40%
of trivial_rps.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from bench.common.setup import ROOT, setup_django  # noqa: E402
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


# -- the load generator: bench/loadgen, Rust, one OS thread per lane ----------------------------

LOADGEN = REPO / "bench" / "loadgen"


def build_loadgen() -> Path:
    """Builds bench/loadgen (std only, so offline) and returns its binary."""
    manifest = LOADGEN / "Cargo.toml"
    command = ["cargo", "build", "--release", "--offline", "-q", "--manifest-path", str(manifest)]
    try:
        subprocess.run(command, check=True)
    except (OSError, subprocess.CalledProcessError) as error:
        raise SystemExit(f"cannot build the load generator: {error}") from error
    return LOADGEN / "target" / "release" / "loadgen"


def run_loadgen(binary: Path, port: int, udp_port: int, campaign_token: str, branches: list[str],
                sittings: int, phase_seconds: float, answers: str) -> dict:  # fmt: skip
    """The three phases (trivial, answer saves alone, replay) by the generator: its JSON."""
    import tempfile

    # The generator finds each code's datagram by sha256(phone)[:16]; std Rust has no sha256.
    with tempfile.NamedTemporaryFile("w", prefix="quiz-load-keys-", suffix=".txt") as keys:
        keys.writelines(f"{n} {phone_key(phone_of(n))}\n" for n in range(sittings + CONCURRENCY))
        keys.flush()
        command = [str(binary), "--server", f"127.0.0.1:{port}", "--udp-port", str(udp_port),
                   "--campaign", campaign_token, "--branches", ",".join(branches),
                   "--keys", keys.name, "--sittings", str(sittings),
                   "--lanes", str(CONCURRENCY), "--phase-seconds", str(phase_seconds),
                   "--answers", answers]  # fmt: skip
        done = subprocess.run(command, stdout=subprocess.PIPE, text=True)  # progress: stderr
    if done.returncode:
        raise SystemExit(f"the load generator failed (exit {done.returncode})")
    return json.loads(done.stdout)


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
    parser.add_argument(
        "--workers", type=int, default=5, help="gunicorn workers (default 5, as deployed)"
    )
    parser.add_argument(
        "--answers",
        choices=("batch", "single"),
        default="batch",
        help="batch: one request saves all 10 answers (default); single: one request each",
    )
    options = parser.parse_args()
    sittings = options.sittings or (QUICK_SITTINGS if options.quick else SITTINGS)
    phase_seconds = 5 if options.quick else 15
    loadgen = build_loadgen()  # before the set-up: a build failure is quick to see
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
        result = run_loadgen(
            loadgen, port, udp_port, campaign.token, branches, sittings, phase_seconds,
            options.answers,
        )  # fmt: skip
    finally:
        server.terminate()
        server.wait(timeout=30)
    done, seconds, steps = result["done"], result["seconds"], result["steps"]
    per_answer = "all 10 answers" if options.answers == "batch" else "one answer"
    print(
        f"trivial GET /healthz: {result['trivial_rps']:.0f}/s; answer saves alone: "
        f"{result['answer_rps']:.0f}/s ({per_answer} a request; {CONCURRENCY} at once, "
        f"{phase_seconds} s each)"
    )
    print(
        f"replay: {done} sittings in {seconds:.1f} s ({done / seconds:.0f}/s), "
        f"{CONCURRENCY} workers at once, answers {options.answers}"
    )
    print(f"{'step':8} {'count':>7} {'per s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7}")
    for step in STEPS:
        if step in steps:
            row = steps[step]
            print(
                f"{step:8} {row['count']:7d} {row['count'] / seconds:7.0f} "
                f"{row['p50_ms']:7.1f} {row['p95_ms']:7.1f} {row['p99_ms']:7.1f}"
            )
    for failure, n in sorted(result["failures"].items()):
        print(f"  failed: {failure} x {n}")
    for failure, n in sorted(result["phase_failures"].items()):
        print(f"  failed before the replay: {failure} x {n}")
    phases = result["phases"]
    sent = {name: phase["requests"] + phase["failed"] for name, phase in phases.items()}
    cpu_ms = {
        name: phase["cpu_seconds"] * 1000 / sent[name] if sent[name] else 0
        for name, phase in phases.items()
    }
    print(
        f"load generator CPU: {result['cpu_seconds']:.1f} s in all; a request: "
        f"{cpu_ms['trivial']:.3f} ms trivial, {cpu_ms['answer']:.3f} ms answers, "
        f"{cpu_ms['replay']:.3f} ms replay"
    )
    checked = check(campaign.pk)
    print(
        f"check: {checked['participants']} participants, {checked['scored']} with one scored "
        f"sitting, {checked['bad_answer_rows']} sittings without exactly 10 answer rows"
    )
    print(f"rerun: .venv/bin/python bench/quiz_load.py {' '.join(sys.argv[1:])}".rstrip())
    submit_p99 = steps["submit"]["p99_ms"] if "submit" in steps else 0
    ratio = result["answer_rps"] / result["trivial_rps"] if result["trivial_rps"] else 0
    print(
        f"BENCH quiz_load sittings={done} seconds={seconds:.1f} "
        f"submit_p99_ms={submit_p99:.0f} answer_rps={result['answer_rps']:.0f} "
        f"trivial_rps={result['trivial_rps']:.0f} ratio={ratio:.2f}"
    )
    if done != sittings or checked["bad_answer_rows"] or checked["scored"] != sittings:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
