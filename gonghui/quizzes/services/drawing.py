"""Drawing a sitting's paper: questions at random by the campaign's tag quotas, no question
twice, options shuffled per sitting.

A question can match several quotas (a quota with a tag and one with "any tag" over the
same bank), so whether quotas can be met is a matching problem, not a count per quota: each
drawn slot needs its own question. ``quota_problems`` answers it with a maximum bipartite
matching before a campaign opens; ``draw_paper`` finds a matching over shuffled candidate
lists, so it succeeds whenever the check passed and every matching is possible.

The candidate pools are read once per process and kept briefly (``POOL_SECONDS``): a busy
campaign draws tens of thousands of papers from the same few hundred questions.
"""

from __future__ import annotations

import random
import secrets
import threading
import time
from dataclasses import dataclass

from django.utils.translation import gettext as _

from gonghui.core.errors import ApplicationError
from gonghui.quizzes.models import Question, QuestionKind, QuizCampaign, TagQuota

POOL_SECONDS = 30
KIND_ORDER = {QuestionKind.SINGLE: 0, QuestionKind.MULTIPLE: 1, QuestionKind.TRUE_FALSE: 2}


@dataclass(frozen=True)
class Candidate:
    id: int
    kind: str
    option_count: int


@dataclass(frozen=True)
class Slot:
    quota_id: int
    candidates: tuple[Candidate, ...]


def _quota_pools(quotas: list[TagQuota]) -> list[tuple[TagQuota, list[Candidate]]]:
    bank_ids = {quota.bank_id for quota in quotas}
    rows = Question.objects.filter(bank_id__in=bank_ids, is_active=True).values_list(
        "id", "bank_id", "kind", "options", "tags"
    )
    by_bank: dict[int, list[tuple[Candidate, set[str]]]] = {}
    for qid, bank_id, kind, options, tags in rows:
        by_bank.setdefault(bank_id, []).append((Candidate(qid, kind, len(options)), set(tags)))
    pools = []
    for quota in quotas:
        pool = [
            c for c, tags in by_bank.get(quota.bank_id, []) if not quota.tag or quota.tag in tags
        ]
        pools.append((quota, pool))
    return pools


def _slots(quotas: list[TagQuota]) -> list[Slot]:
    slots = []
    for quota, pool in _quota_pools(quotas):
        slots.extend(Slot(quota.pk, tuple(pool)) for _ in range(quota.count))
    return slots


def _match(slots: list[Slot], rng: random.Random | None) -> list[Candidate | None]:
    """A maximum matching of slots to distinct questions (Kuhn's augmenting paths). With
    ``rng`` the candidates are tried in a random order, so the matching found is random."""
    owner: dict[int, int] = {}  # question id -> slot index
    lists = []
    for slot in slots:
        candidates = list(slot.candidates)
        if rng is not None:
            rng.shuffle(candidates)
        lists.append(candidates)

    def augment(index: int, seen: set[int]) -> bool:
        for candidate in lists[index]:
            if candidate.id in seen:
                continue
            seen.add(candidate.id)
            holder = owner.get(candidate.id)
            if holder is None or augment(holder, seen):
                owner[candidate.id] = index
                return True
        return False

    order = list(range(len(slots)))
    if rng is not None:
        rng.shuffle(order)
    for index in order:
        augment(index, set())
    chosen: list[Candidate | None] = [None] * len(slots)
    by_id = {c.id: c for candidates in lists for c in candidates}
    for qid, index in owner.items():
        chosen[index] = by_id[qid]
    return chosen


def quota_problems(campaign: QuizCampaign) -> list[str]:
    """Why the campaign's quotas cannot be met from its banks ([] when they can). The
    campaign's services refuse to open it while this is not empty."""
    quotas = list(campaign.quotas.select_related("bank"))
    if not quotas:
        return [_("Set at least one quota of questions per sitting.")]
    problems = []
    pools = _quota_pools(quotas)
    for quota, pool in pools:
        if len(pool) < quota.count:
            problems.append(
                _("“%(bank)s”, tag “%(tag)s”: %(need)s questions per sitting, %(have)s active.")
                % {
                    "bank": quota.bank.name,
                    "tag": quota.tag or _("any"),
                    "need": quota.count,
                    "have": len(pool),
                }  # fmt: skip
            )
    if problems:
        return problems
    slots = [Slot(q.pk, tuple(pool)) for q, pool in pools for _ in range(q.count)]
    if None in _match(slots, None):
        problems.append(
            _(
                "The quotas overlap: the banks do not hold enough different questions to fill "
                "them all in one sitting."
            )  # fmt: skip
        )
    return problems


def quota_check(campaign: QuizCampaign) -> None:
    """Raise an ApplicationError listing the problems when the quotas cannot be met."""
    problems = quota_problems(campaign)
    if problems:
        raise ApplicationError(" ".join(problems), code="quota_unmet", fields={"quotas": problems})


_cache: dict[int, tuple[float, list[Slot]]] = {}
_lock = threading.Lock()


def _cached_slots(campaign: QuizCampaign) -> list[Slot]:
    now = time.monotonic()
    hit = _cache.get(campaign.pk)
    if hit and now - hit[0] < POOL_SECONDS:
        return hit[1]
    slots = _slots(list(campaign.quotas.all()))
    with _lock:
        _cache[campaign.pk] = (now, slots)
    return slots


def forget_pools(campaign_id: int | None = None) -> None:
    """Drop the cached pools (tests, and the organiser's edits in this process)."""
    with _lock:
        if campaign_id is None:
            _cache.clear()
        else:
            _cache.pop(campaign_id, None)


def shuffle_options(candidate: Candidate, rng: random.Random) -> list[int]:
    """Original option indexes in the order shown. True/false keeps 正确 before 错误."""
    order = list(range(candidate.option_count))
    if candidate.kind != QuestionKind.TRUE_FALSE:
        rng.shuffle(order)
    return order


def draw_paper(campaign: QuizCampaign, rng: random.Random | None = None) -> list[dict]:
    """A fresh paper: ``[{"q": id, "k": kind, "p": [original option index per position]}]``,
    single choice first, then multiple choice, then true/false, each group in random order."""
    # seeded from the system's randomness, then cheap: a paper draws dozens of numbers
    rng = rng or random.Random(secrets.randbits(128))
    chosen = _match(_cached_slots(campaign), rng)
    if not chosen or None in chosen:
        raise ApplicationError(
            _("This quiz cannot draw a paper now; please tell the organiser."), code="quota_unmet"
        )
    rng.shuffle(chosen)
    chosen.sort(key=lambda c: KIND_ORDER.get(c.kind, 9))
    return [{"q": c.id, "k": c.kind, "p": shuffle_options(c, rng)} for c in chosen]
