"""Retake docs/screenshots/ from a running demo (`make demo` in another terminal).

    python e2e/screenshots.py [--base-url http://127.0.0.1:8000]

Each main page at a desktop and a phone size, logged in as the 东城区总工会 admin (or the
staff member shown), or signed in on the worker pages with a demo applicant's phone: the
texted code is read from var/sms/outbox.log, where the demo's SMS sender writes it.

The worker's quiz pages take the demo campaign from its poster link (read on the console as
its organiser) with a register worker who has not sat it yet (gonghui/quizzes/demo.py's
NEWCOMERS), one per screen size: each may sit the quiz once, so retaking those needs a fresh
demo.
"""

import argparse
import re
import shutil
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PASSWORD = "Gonghui@2026"
SIZES = {"desktop": (1440, 900), "phone": (390, 844)}
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# (file stem, path, user or None for logged out, what to do on the page first)
PAGES = [
    ("login", "/accounts/login/", None, None),
    ("dashboard", "/", "dc_admin", None),
    ("org-tree", "/orgs/", "dc_admin", "expand"),
    ("audit-log", "/audit/", "dc_admin", None),
    ("staff", "/accounts/staff/", "dc_admin", None),
    ("workers-list", "/workers/", "longtan", None),
    ("worker-detail", "/workers/", "longtan", "open:table a[href^='/workers/']"),
    ("import-result", "/imports/", "longtan", "open:table a[href^='/imports/']"),
    ("h5-home", "/h5/", None, None),
    ("stations", "/stations/", "dc_admin", None),
    ("care-campaigns", "/care/", "dc_admin", None),
    ("care-campaign", "/care/", "dc_admin", "open:table a[href^='/care/campaigns/']"),
    ("care-stock", "/care/stock/", "longtan", None),
    ("care-scan", "/care/", "longtan",
     "open:table a[href^='/care/campaigns/'] >> open:a[href*='/sites/']"),
    ("h5-stations", "/h5/stations/", None, "locate"),
    ("applications", "/workers/applications/", "xinjiekou", None),
    ("application-detail", "/workers/applications/?view=overdue", "xinjiekou",
     "open:table a[href^='/workers/applications/']"),
    ("application-figures", "/workers/applications/figures/", "dc_admin", None),
    ("join-rules", "/workers/applications/rules/", "xinjiekou", None),
    ("h5-join", "/h5/join/", "worker:13900001111", None),
    ("h5-join-status", "/h5/join/status/", "worker:13700001234", None),
    ("h5-member-card", "/h5/me/card/", "worker:13700005678", "qr"),
    ("quiz-bank", "/quizzes/banks/", "bus_admin", "open:table a[href^='/quizzes/banks/']"),
    ("quiz-campaign", "/quizzes/", "bus_admin", "open:table a[href^='/quizzes/campaigns/']"),
    ("quiz-links", "/quizzes/", "bus_admin",
     "open:table a[href^='/quizzes/campaigns/'] >> scroll:[data-testid=campaign-links]"),
    ("quiz-figures", "/quizzes/", "bus_admin",
     "open:table a[href^='/quizzes/campaigns/'] >> open:[data-testid=open-figures]"),
    ("quiz-ranking", "/quizzes/", "bus_admin",
     "open:table a[href^='/quizzes/campaigns/'] >> open:[data-testid=open-figures] >> "
     "scroll:[data-testid=fig-ranking]"),
    ("quiz-h5-landing", "{quiz_link}", None, None),
    ("quiz-h5-sitting", "{quiz_link}", "quiz-worker", "quiz-sit"),
    ("quiz-h5-result", "{quiz_link}", "quiz-worker", "quiz-hand-in"),
    ("quiz-h5-certificate", "{quiz}certificate/", "quiz-worker", "certificate"),
]  # fmt: skip
OUTBOX = ROOT / "var" / "sms" / "outbox.log"
# Cookies of each worker signed in once, reused at the other screen size: asking for a second
# code within a minute would be refused.
worker_cookies: dict[str, list] = {}
# The demo's register workers who have not sat the quiz (quizzes/demo.py NEWCOMERS): one
# takes it at each size, the campaign allowing a single sitting.
QUIZ_WORKERS = {"desktop": "13911110001", "phone": "13911110002"}
# Questions of the paper answered wrong when handing in (the rest right): a score of 90.
QUIZ_WRONG = {5, 13}
# Where the phone says it is for the station finder (WGS-84, by 东四 in 东城区).
PHONE_LOCATION = {"latitude": 39.9243, "longitude": 116.4113}


def log_in(page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("form.login-card button[type=submit]").click()
    page.wait_for_selector("header.topbar")


def sign_in_worker(page, base_url: str, phone: str) -> None:
    """The worker's H5 sign-in: the phone, then the code the demo's SMS sender logged."""
    if phone in worker_cookies:
        page.context.add_cookies(worker_cookies[phone])
        return
    page.goto(f"{base_url}/h5/sign-in/")
    page.fill("#id_phone", phone)
    page.get_by_test_id("send-code").click()
    page.wait_for_selector("#id_code")
    masked = f"{phone[:3]}****{phone[-4:]}"
    lines = [line for line in OUTBOX.read_text(encoding="utf-8").splitlines() if masked in line]
    page.fill("#id_code", re.search(r"\b\d{6}\b", lines[-1]).group())
    page.get_by_test_id("verify").click()
    page.wait_for_load_state()
    worker_cookies[phone] = page.context.cookies()


def expand_tree(page) -> None:
    for _ in range(2):  # the district, then its first street union
        toggles = page.locator(".tree-toggle[aria-expanded=false]")
        if toggles.count():
            toggles.first.click()
            page.wait_for_timeout(400)


def locate(page) -> None:
    """The finder asks for the phone's position: grant it and wait for the nearest stations."""
    page.context.grant_permissions(["geolocation"])
    page.context.set_geolocation(PHONE_LOCATION)
    page.reload()
    page.wait_for_selector("[data-testid=station-item]")
    page.wait_for_timeout(1500)  # let the map give up on tiles it cannot reach


def quiz_link(browser, base_url: str) -> str:
    """The demo campaign's poster link for its first branch union, as its organiser sees it
    on the campaign's page (the token is random per demo)."""
    context = browser.new_context(locale="zh-CN")
    page = context.new_page()
    log_in(page, base_url, "bus_admin")
    page.goto(f"{base_url}/quizzes/")
    page.locator("table a[href^='/quizzes/campaigns/']").first.click()
    page.wait_for_load_state()
    links = page.locator("[data-testid=campaign-links] input.link").evaluate_all(
        "inputs => inputs.map(i => i.value)"
    )
    context.close()
    link = next(url for url in links if "?branch=" in url)
    return link.removeprefix(re.match(r"https?://[^/]+", link).group())


def right_options() -> dict[str, set[str]]:
    """The demo bank's right options by question stem, as the texts shown on the paper."""
    from gonghui.quizzes.demo_questions import QUESTIONS

    right = {}
    for kind, stem, options, answer, *_rest in QUESTIONS:
        if kind == "T":
            options, answer = ["正确", "错误"], "A" if answer == "对" else "B"
        right[" ".join(stem.split())] = {options["ABCDEF".index(letter)] for letter in answer}
    return right


def quiz_answer(page, numbers) -> None:
    """Choose the options of the paper's questions ``numbers`` (1-based): the right ones, or
    a wrong one for those in QUIZ_WRONG; each choice is saved by the page as it is made."""
    right = right_options()
    questions = page.get_by_test_id("quiz-question")
    for number in numbers:
        question = questions.nth(number - 1)
        wanted = right[" ".join(question.locator(".quiz-stem").inner_text().split())]
        labels = question.locator("label.quiz-option")
        texts = [text.strip() for text in labels.locator("span:last-child").all_inner_texts()]
        if number in QUIZ_WRONG:  # a wrong option, or all right ones but one
            wrong = [text for text in texts if text not in wanted]
            wanted = {wrong[0]} if wrong else set(texts[1:])
        for index, text in enumerate(texts):  # as wanted, whatever was chosen before
            if (text in wanted) != labels.nth(index).locator("input").is_checked():
                labels.nth(index).click()
        page.wait_for_timeout(150)


def quiz_sitting(page) -> bool:
    """From the landing page: take the quiz (or carry on with the open sitting); False if
    the worker has handed it in already, on the page that links to the result."""
    page.get_by_test_id("quiz-enter").click()
    page.wait_for_load_state()
    start = page.get_by_test_id("quiz-start")
    if not start.count():
        return False
    start.click()
    page.wait_for_selector("[data-testid=quiz-question]")
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--base-url", default="http://127.0.0.1:8000")
    parser.add_argument("--only", default="", help="comma-separated stems, e.g. stations")
    options = parser.parse_args()
    only = set(filter(None, options.only.split(",")))
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=ARGS
        )
        quiz = {}
        if any("{quiz" in path and stem in (only or {stem}) for stem, path, *_ in PAGES):
            quiz["quiz_link"] = quiz_link(browser, options.base_url)
            quiz["quiz"] = quiz["quiz_link"].split("?")[0]
        for size, (width, height) in SIZES.items():
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="zh-CN",
                is_mobile=size == "phone",
                device_scale_factor=1 if size == "desktop" else 2,
            )
            page = context.new_page()
            current_user = None
            for stem, path, user, action in PAGES:
                if only and stem not in only:
                    continue
                if user == "quiz-worker":
                    user = f"worker:{QUIZ_WORKERS[size]}"
                if user != current_user:
                    context.clear_cookies()
                    if user and user.startswith("worker:"):
                        sign_in_worker(page, options.base_url, user.removeprefix("worker:"))
                    elif user:
                        log_in(page, options.base_url, user)
                    current_user = user
                page.goto(options.base_url + path.format(**quiz))
                if action == "expand":
                    expand_tree(page)
                elif action == "locate":
                    locate(page)
                elif action == "qr":
                    page.wait_for_selector("[data-testid=my-qr] svg")
                elif action == "certificate":  # the image is drawn on request: wait for it
                    page.wait_for_function(
                        "document.querySelector('.quiz-certificate-image').complete"
                    )
                elif action == "quiz-sit":  # a couple of answers in, the clock running
                    if not quiz_sitting(page):
                        raise SystemExit(f"{user} has sat the demo quiz: load a fresh demo")
                    quiz_answer(page, (1, 2))
                    page.wait_for_timeout(2500)
                elif action == "quiz-hand-in":
                    if quiz_sitting(page):
                        count = page.get_by_test_id("quiz-question").count()
                        quiz_answer(page, range(1, count + 1))
                        page.get_by_test_id("quiz-submit").click()
                    else:  # handed in on an earlier run: its result again
                        page.locator("a[href*='/result/']").click()
                    page.wait_for_selector("[data-testid=quiz-result]")
                elif action and action.startswith("open:"):
                    for step in action.split(" >> "):
                        verb, selector = step.split(":", 1)
                        if verb == "scroll":  # bring a part of a long page to the top
                            page.locator(selector).first.evaluate(
                                "e => { e.scrollIntoView(); window.scrollBy(0, -72); }"
                            )
                            page.wait_for_timeout(200)
                            continue
                        page.locator(selector).first.click()
                        page.wait_for_load_state()
                target = OUT / f"{stem}-{size}.png"
                page.screenshot(path=str(target))
                print(f"wrote {target.relative_to(ROOT)}")
            context.close()
        browser.close()


if __name__ == "__main__":
    main()
