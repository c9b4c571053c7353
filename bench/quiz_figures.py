"""How long the organisers' quiz pages take over the demo's 41,093 sittings.

    .venv/bin/python bench/quiz_figures.py            # against the loaded demo (make demo)
    .venv/bin/python bench/quiz_figures.py --quick    # the same, 1 round instead of 5

Reads the database the settings point at (the demo's SQLite file, or DATABASE_URL), where
``load_demo`` put 北京公交集团工会's campaign "学习二十大 奋进新公交" (41,093 sittings,
821,860 answers, 45,000 eligible staff). Renders each page through Django's test client as
``bus_admin`` and prints the median time of each: the live figures of the whole campaign,
of one branch, per hour, the campaign page with its 13 QR codes, the campaign list, the
dashboard and the ranking export. Skips (exit 0) when the demo campaign is not loaded.
Last line: ``BENCH quiz_figures sittings= figures_ms= unit_ms= campaign_ms= dashboard_ms=``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from gonghui.accounts.models import User  # noqa: E402
from gonghui.quizzes.models import QuizCampaign, Sitting  # noqa: E402

TITLE = "学习二十大 奋进新公交"


def timed(client: Client, url: str, rounds: int) -> float:
    times = []
    for _ in range(rounds + 1):  # the first warms the caches and is not counted
        started = time.perf_counter()
        response = client.get(url)
        if getattr(response, "streaming", False):
            b"".join(response.streaming_content)
        assert response.status_code == 200, (url, response.status_code)
        times.append(time.perf_counter() - started)
    return statistics.median(times[1:]) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true")
    options = parser.parse_args()
    campaign = QuizCampaign.objects.filter(title=TITLE).first()
    if campaign is None:
        print("quiz_figures: the demo campaign is not loaded (make demo); skipped")
        return
    sittings = Sitting.objects.filter(campaign=campaign, submitted_at__isnull=False).count()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bus_admin"))
    rounds = 1 if options.quick else 5
    base = f"/quizzes/campaigns/{campaign.pk}/"
    pages = {
        "figures": base + "figures/",
        "unit": base + "figures/?unit=bj-bus-08",
        "hourly": base + "figures/?by=hour",
        "campaign": base,
        "list": "/quizzes/",
        "dashboard": "/",
        "ranking_xlsx": base + "ranking.xlsx",
    }
    results = {}
    for name, url in pages.items():
        results[name] = timed(client, url, rounds)
        print(f"{name:13s} {url:45s} median {results[name]:7.0f} ms")
    print(
        f"BENCH quiz_figures sittings={sittings} figures_ms={results['figures']:.0f} "
        f"unit_ms={results['unit']:.0f} campaign_ms={results['campaign']:.0f} "
        f"dashboard_ms={results['dashboard']:.0f}"
    )


if __name__ == "__main__":
    main()
