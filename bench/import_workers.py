"""Benchmark: a million-row xlsx of workers imported with full validation and protection
into PostgreSQL, against django-import-export on the first 100,000 rows (default and bulk
modes) in the same run; then search by pinyin initials and phone tail at that size.

    .venv/bin/python bench/import_workers.py            # 1,000,000 rows (IE: 100,000)
    .venv/bin/python bench/import_workers.py --quick    # 100,000 rows (IE: 10,000)

Last line: BENCH import_workers rows= seconds= rows_per_s= peak_mb= vs_ie_default=
vs_ie_bulk= search_p95_ms=
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common.setup import ROOT, PeakMemory, Timer, percentile, setup_django  # noqa: E402


def build_tree():
    from gonghui.core.scope import system_scope
    from gonghui.orgs.models import OrgKind
    from gonghui.orgs.services import org_create, org_create_root

    root = org_create_root(actor=None, code="bj-dc", name="东城区总工会", kind=OrgKind.FEDERATION)
    scope = system_scope(root)
    names = [root.name]
    for i, street in enumerate(
        [
            "龙潭",
            "东华门",
            "景山",
            "和平里",
            "天坛",
            "体育馆路",
            "永定门外",
            "交道口",
            "安定门",
            "北新桥",
            "东四",
            "朝阳门",
            "建国门",
            "东直门",
        ]
    ):
        area = org_create(
            scope=scope,
            parent=root,
            code=f"bj-dc-{i}",
            name=f"{street}街道总工会",
            kind=OrgKind.AREA,
        )
        names.append(area.name)
        for j in range(3):
            org = org_create(
                scope=scope,
                parent=area,
                code=f"bj-dc-{i}-{j}",
                name=f"{street}第{j + 1}社区工会",
                kind=OrgKind.COMMUNITY,
            )
            names.append(org.name)
    return root, names


def import_ours(path: Path, root) -> dict:
    """What ``import_workers FILE --org bj-dc --commit`` does: check and commit in one pass."""
    from gonghui.core.imports.direct import import_directly
    from gonghui.core.imports.services import import_start
    from gonghui.core.scope import system_scope

    scope = system_scope(root)

    def progress(phase, done, total):
        sys.stderr.write(f"\r  {phase} {done}/{total}   ")

    with PeakMemory() as memory, Timer() as timer:
        with path.open("rb") as handle:
            job = import_start(
                scope=scope,
                kind="workers",
                org=root,
                upload=handle,
                file_name=path.name,
                enqueue=False,
            )
        job = import_directly(job.pk, only_good=True, existing="update", progress=progress)
    sys.stderr.write("\n")
    return {"seconds": timer.seconds, "peak_mb": memory.mb, "counts": job.counts}


def search_p95(root, queries: int) -> tuple[float, float]:
    """p95 of a search page (first 50 by pinyin + the total count), as the list page runs it."""
    from gonghui.core.scope import system_scope
    from gonghui.members.selectors import worker_list

    scope = system_scope(root)
    rng = random.Random(7)
    letters = "bcdfghjlmnpqrstwxyz"
    timings = {"initials": [], "tail": []}
    for _ in range(queries):
        for kind, q in (
            ("initials", rng.choice(letters) + rng.choice(letters)),
            ("tail", f"{rng.randrange(10_000):04d}"),
        ):
            started = time.perf_counter()
            workers = worker_list(scope, q=q)
            page = list(workers[:50])
            workers.count()
            timings[kind].append((time.perf_counter() - started) * 1000)
            assert page is not None
    return percentile(timings["initials"], 95), percentile(timings["tail"], 95)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="100,000 rows")
    parser.add_argument("--rows", type=int, help="rows to import (default 1,000,000)")
    parser.add_argument("--ie-rows", type=int, help="rows for django-import-export")
    parser.add_argument(
        "--skip-peer",
        action="store_true",
        help="development runs only: skip django-import-export (no ratios, not a reported figure)",
    )
    options = parser.parse_args()
    rows = options.rows or (100_000 if options.quick else 1_000_000)
    ie_rows = options.ie_rows or (10_000 if options.quick else 100_000)
    url = setup_django("import", settings="bench.common.settings_ie")
    from django.db import connection

    from bench.common import workers_data as data

    root, unions = build_tree()
    path = data.workbook(ROOT / "var" / "bench" / f"workers-{rows}.xlsx", rows, unions)
    ie_path = data.workbook(ROOT / "var" / "bench" / f"workers-{ie_rows}.xlsx", ie_rows, unions)
    print(f"database: {connection.vendor} ({url.rsplit('/', 1)[-1]}), file: {path.name}")
    ours = import_ours(path, root)
    counts = ours["counts"]
    rate = counts["rows"] / ours["seconds"]
    print(
        f"ours: {counts['rows']} rows in {ours['seconds']:.1f} s = {rate:,.0f} rows/s, "
        f"peak {ours['peak_mb']:.0f} MB; created {counts['created']}, "
        f"rejected {counts['rejected']}"
    )
    with connection.cursor() as cursor:
        # what autovacuum does within a minute of a big import, done now so the search
        # figures do not depend on its timing
        cursor.execute("VACUUM (ANALYZE) members_worker")
        cursor.execute("ANALYZE orgs_org")
    initials_p95, tail_p95 = search_p95(root, 100 if options.quick else 200)
    print(
        f"search with {counts['created']} workers: initials p95 {initials_p95:.1f} ms, "
        f"phone tail p95 {tail_p95:.1f} ms"
    )
    if options.skip_peer:
        print(
            f"BENCH-DEV import_workers rows={counts['rows']} seconds={ours['seconds']:.1f} "
            f"rows_per_s={rate:.0f} peak_mb={ours['peak_mb']:.0f} "
            f"search_p95_ms={max(initials_p95, tail_p95):.1f} (--skip-peer: not a reported figure)"
        )
        return
    from bench.common.ie_compare import import_with_ie

    ie = {}
    for mode in ("default", "bulk"):
        seconds, imported = import_with_ie(ie_path, root, bulk=mode == "bulk")
        ie[mode] = imported / seconds
        print(
            f"django-import-export {mode}: {imported} rows in {seconds:.1f} s = "
            f"{ie[mode]:,.0f} rows/s; ours is {rate / ie[mode]:.1f}x"
        )
    print(
        f"BENCH import_workers rows={counts['rows']} seconds={ours['seconds']:.1f} "
        f"rows_per_s={rate:.0f} peak_mb={ours['peak_mb']:.0f} "
        f"vs_ie_default={rate / ie['default']:.1f} vs_ie_bulk={rate / ie['bulk']:.1f} "
        f"search_p95_ms={max(initials_p95, tail_p95):.1f}"
    )


if __name__ == "__main__":
    main()
