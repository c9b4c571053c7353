"""The station finder at national scale: 150,000 stations spread over China.

    .venv/bin/python bench/stations_nearby.py            # 150,000 stations
    .venv/bin/python bench/stations_nearby.py --quick    # 20,000 stations, well under a minute

Uses a throwaway SQLite database, or the database in DATABASE_URL if set (the bench migrates
it, adds its stations under an org of its own and removes them afterwards: point it at a
scratch database). Times the nearby lookup (``gonghui.stations.nearby.nearby_stations``) in
process and through HTTP (gunicorn on a free port, same database), against a full scan that
computes the haversine distance to every station, and checks that the grid search and the
full scan return the same stations. Targets: p95 ≤ 10 ms in process, ≥ 50× the full scan.
"""

import argparse
import http.client
import json
import os
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common.setup import ROOT, percentile  # noqa: E402

# (name, lat, lng, weight) of large cities, GCJ-02 near their centres: stations gather where
# people work; the rest are scattered over the country.
CITIES = [
    ("北京", 39.90, 116.40, 10),
    ("上海", 31.23, 121.47, 10),
    ("广州", 23.13, 113.26, 7),
    ("深圳", 22.54, 114.06, 7),
    ("成都", 30.57, 104.07, 6),
    ("重庆", 29.56, 106.55, 6),
    ("武汉", 30.59, 114.30, 5),
    ("西安", 34.34, 108.94, 5),
    ("杭州", 30.27, 120.15, 5),
    ("南京", 32.06, 118.80, 5),
    ("天津", 39.13, 117.20, 5),
    ("苏州", 31.30, 120.62, 4),
    ("郑州", 34.75, 113.62, 4),
    ("长沙", 28.23, 112.94, 4),
    ("沈阳", 41.80, 123.43, 3),
    ("青岛", 36.07, 120.38, 3),
    ("济南", 36.65, 117.00, 3),
    ("哈尔滨", 45.80, 126.53, 3),
    ("长春", 43.82, 125.32, 2),
    ("大连", 38.91, 121.61, 2),
    ("昆明", 25.04, 102.71, 2),
    ("合肥", 31.82, 117.23, 2),
    ("福州", 26.07, 119.30, 2),
    ("厦门", 24.48, 118.09, 2),
    ("南宁", 22.82, 108.37, 2),
    ("贵阳", 26.65, 106.63, 2),
    ("南昌", 28.68, 115.86, 2),
    ("石家庄", 38.04, 114.51, 2),
    ("太原", 37.87, 112.55, 2),
    ("兰州", 36.06, 103.83, 1),
    ("乌鲁木齐", 43.83, 87.62, 1),
    ("呼和浩特", 40.84, 111.75, 1),
    ("银川", 38.49, 106.23, 1),
    ("西宁", 36.62, 101.78, 1),
    ("拉萨", 29.65, 91.10, 1),
    ("海口", 20.04, 110.32, 1),
]
CHINA_BOX = (21.0, 45.0, 98.0, 123.0)  # south, north, west, east: the scattered share
SCATTERED = 0.2
QUERY_MIX = [{}, {"services": ["microwave"]}, {"services": ["microwave"], "open_now": True}]


def setup_django(workdir: Path) -> None:
    """Django on a throwaway SQLite file (the embedded default), or on DATABASE_URL; unlike
    ``bench.common.setup``, which makes a PostgreSQL database, because the finder must be fast
    on the database a small union runs on, too."""
    if not os.environ.get("DATABASE_URL"):
        os.environ["DATABASE_URL"] = f"sqlite:///{workdir / 'bench.sqlite3'}"
    os.environ["GONGHUI_VAR_DIR"] = str(workdir)
    (workdir / "static").mkdir(exist_ok=True)  # WhiteNoise warns about a missing STATIC_ROOT
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def make_stations(count: int, rng: random.Random):
    """Bulk-inserted, not created one by one through the services: the bench measures reads,
    and 150,000 audited creations would take minutes without telling anything about them."""
    from gonghui.orgs.models import Org
    from gonghui.stations import grid
    from gonghui.stations.hours import ALWAYS_OPEN, daily
    from gonghui.stations.models import Service, Station, services_mask

    org = Org.objects.add_root(
        {"code": "bench-stations", "name": "基准测试站点", "kind": "federation"}
    )
    schedules = [daily(480, 1200).to_json(), ALWAYS_OPEN.to_json(), daily(1200, 1560).to_json()]
    weights = [city[3] for city in CITIES]
    rows, points = [], []
    for n in range(count):
        if rng.random() < SCATTERED:
            lat, lng = rng.uniform(*CHINA_BOX[:2]), rng.uniform(*CHINA_BOX[2:])
        else:
            _name, clat, clng, _w = rng.choices(CITIES, weights)[0]
            lat, lng = rng.gauss(clat, 0.12), rng.gauss(clng, 0.15)
        services = [code for code in Service.values if rng.random() < 0.45]
        points.append((lat, lng))
        rows.append(
            Station(
                org=org,
                code=f"bench{n:07d}",
                name=f"基准站点{n}",
                kind="warm_station",
                venue_kind="shop",
                address="—",
                lat=lat,
                lng=lng,
                cell=grid.cell_key(lat, lng),
                cell_coarse=grid.coarse_key(lat, lng),
                services=services,
                services_mask=services_mask(services),
                hours=rng.choice(schedules),
            )
        )
    Station.objects.bulk_create(rows, batch_size=5000)
    from django.db import connection

    if connection.vendor == "postgresql":
        # The steady state autovacuum reaches after a bulk load: planner statistics (without
        # them PostgreSQL takes the table for tiny and plans the ring queries badly) and
        # hint bits set, so the timed reads do not pay for the load's first touch.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE stations_station")
    return org, points


def query_points(points, count: int, rng: random.Random) -> list[tuple[float, float]]:
    """Where riders ask from: mostly near stations (a street in a city), some anywhere."""
    queries = []
    for _n in range(count):
        if rng.random() < 0.85:
            lat, lng = rng.choice(points)
            queries.append((lat + rng.gauss(0, 0.01), lng + rng.gauss(0, 0.01)))
        else:
            queries.append((rng.uniform(*CHINA_BOX[:2]), rng.uniform(*CHINA_BOX[2:])))
    return queries


def time_in_process(queries) -> list[float]:
    from gonghui.stations.nearby import nearby_stations

    for lat, lng in queries[:20]:  # warm up caches and the connection
        nearby_stations(lat=lat, lng=lng, crs="gcj02")
    timings = []
    for n, (lat, lng) in enumerate(queries):
        started = time.perf_counter()
        nearby_stations(lat=lat, lng=lng, crs="gcj02", limit=10, **QUERY_MIX[n % len(QUERY_MIX)])
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def time_full_scan(queries) -> tuple[list[float], list[float]]:
    """The baseline, and a check that the grid search finds exactly the same stations."""
    from gonghui.stations.nearby import full_scan, nearby_stations

    scan_ms, grid_ms = [], []
    for lat, lng in queries:
        started = time.perf_counter()
        expected = [pk for _d, pk in full_scan(lat=lat, lng=lng, limit=10)]
        scan_ms.append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        found = nearby_stations(lat=lat, lng=lng, crs="gcj02", limit=10)
        grid_ms.append((time.perf_counter() - started) * 1000)
        got = [item.station.pk for item in found.items]
        if got != expected:
            raise SystemExit(f"grid and full scan disagree at {lat},{lng}: {got} != {expected}")
    return scan_ms, grid_ms


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(port: int) -> subprocess.Popen:
    env = {**os.environ, "ALLOWED_HOSTS": "127.0.0.1", "LOG_LEVEL": "WARNING"}
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "gonghui.wsgi",
        f"--bind=127.0.0.1:{port}",
        "--workers=2",
        "--log-level=warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if get(port, "/healthz")[0] == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def get(port: int, path: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        connection.request("GET", path, headers={"Accept": "application/json"})
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def time_http(port: int, queries) -> list[float]:
    def path(n: int, lat: float, lng: float) -> str:
        mix = QUERY_MIX[n % len(QUERY_MIX)]
        params = [("lat", lat), ("lng", lng), ("crs", "gcj02"), ("limit", 10)]
        params += [("service", code) for code in mix.get("services", [])]
        params += [("open_now", "true")] if mix.get("open_now") else []
        return "/api/v1/stations/nearby?" + urlencode(params)

    for n, (lat, lng) in enumerate(queries[:10]):
        get(port, path(n, lat, lng))
    timings = []
    for n, (lat, lng) in enumerate(queries):
        started = time.perf_counter()
        status, body = get(port, path(n, lat, lng))
        timings.append((time.perf_counter() - started) * 1000)
        if status != 200 or "items" not in json.loads(body):
            raise SystemExit(f"HTTP {status}: {body[:200]!r}")
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="20,000 stations")
    options = parser.parse_args()
    stations = 20_000 if options.quick else 150_000
    rng = random.Random(2026)
    workdir = Path(tempfile.mkdtemp(prefix="gonghui-bench-"))
    server = None
    try:
        setup_django(workdir)
        from django.conf import settings

        database = settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1]
        remove_bench_rows()
        started = time.monotonic()
        org, points = make_stations(stations, rng)
        print(f"{stations:,} stations inserted in {time.monotonic() - started:.1f} s ({database})")
        queries = query_points(points, 600, rng)
        in_process = time_in_process(queries)
        scan_ms, grid_ms = time_full_scan(queries[:20])
        port = free_port()
        server = start_gunicorn(port)
        over_http = time_http(port, queries[:300])
        report(stations, database, in_process, over_http, scan_ms, grid_ms, options.quick)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=30)
        cleanup(workdir)


def remove_bench_rows() -> None:
    """The bench's own org and stations (left over from an interrupted run, or this run's)."""
    from gonghui.orgs.models import Org
    from gonghui.stations.models import Station

    Station.objects.filter(org__code="bench-stations").delete()
    Org.objects.filter(code="bench-stations").delete()


def cleanup(workdir: Path) -> None:
    if "bench.sqlite3" not in os.environ.get("DATABASE_URL", ""):
        remove_bench_rows()
    shutil.rmtree(workdir, ignore_errors=True)


def report(stations, database, in_process, over_http, scan_ms, grid_ms, quick) -> None:
    p50, p95 = percentile(in_process, 50), percentile(in_process, 95)
    http_p50, http_p95 = percentile(over_http, 50), percentile(over_http, 95)
    speedup = statistics.median(scan_ms) / statistics.median(grid_ms)
    print(f"nearby, in process ({len(in_process)} lookups, limit 10, filters mixed):")
    print(f"  p50 {p50:.2f} ms  p95 {p95:.2f} ms  max {max(in_process):.2f} ms")
    print(f"nearby, HTTP via gunicorn ({len(over_http)} sequential requests):")
    print(f"  p50 {http_p50:.2f} ms  p95 {http_p95:.2f} ms")
    print(f"full scan (haversine over every station, {len(scan_ms)} lookups, same answers):")
    print(
        f"  p50 {statistics.median(scan_ms):.1f} ms; grid p50 on the same points "
        f"{statistics.median(grid_ms):.2f} ms; speedup {speedup:.0f}×"
    )
    met = p95 <= 10 and speedup >= 50
    verdict = "met" if met else "MISSED"
    if quick:  # the scan grows with the stations, the lookup hardly: 20,000 is too few to say
        verdict = "judged on the full run (150,000 stations)"
    print(f"targets (p95 ≤ 10 ms, ≥ 50× the scan): {verdict}")
    prefix = "" if database == "sqlite3" else "DATABASE_URL=<a scratch database> "
    print(f"rerun: {prefix}.venv/bin/python bench/stations_nearby.py{' --quick' if quick else ''}")
    print(
        f"BENCH stations_nearby stations={stations} p50_ms={p50:.2f} p95_ms={p95:.2f} "
        f"http_p95_ms={http_p95:.2f} speedup_vs_scan={speedup:.0f}"
    )


if __name__ == "__main__":
    main()
