"""Ranking units by the formula the organiser configured (DESIGN flow: "the top units ...
are exported for the debrief").

Each unit gets three measures, each already on a 0..1 scale: participation rate
(participants / eligible workers, capped at 1), average score / 100, and the share of its
participants whose counted score reaches the campaign's high-score mark. The unit's index
is the weighted mean of the three with the campaign's weights. Ties are broken by the
higher participation rate, then the higher average score, then the org code, so the order
is total and the same on every run.
"""

from __future__ import annotations

from dataclasses import dataclass

MEASURES = ("participation_rate", "average_score", "high_score_share")
DEFAULT_WEIGHTS = {"participation_rate": 0.5, "average_score": 0.3, "high_score_share": 0.2}


def clean_weights(raw: dict | None) -> dict[str, float]:
    """The campaign's weights, missing ones as 0; all-zero weights fall back to the default."""
    weights = {}
    for key in MEASURES:
        try:
            weights[key] = max(float((raw or {}).get(key, 0) or 0), 0.0)
        except (TypeError, ValueError):
            weights[key] = 0.0
    return weights if sum(weights.values()) > 0 else dict(DEFAULT_WEIGHTS)


@dataclass
class UnitMeasures:
    org_id: int
    code: str
    name: str
    eligible: int
    participants: int
    score_sum: float  # sum of the participants' counted scores
    high_scores: int  # participants at or above the high-score mark

    @property
    def participation_rate(self) -> float:
        """Shown as is (it may pass 1 when unregistered people joined through the unit)."""
        return self.participants / self.eligible if self.eligible else 0.0

    @property
    def average_score(self) -> float:
        return self.score_sum / self.participants if self.participants else 0.0

    @property
    def high_score_share(self) -> float:
        return self.high_scores / self.participants if self.participants else 0.0

    def normalised(self) -> dict[str, float]:
        return {
            "participation_rate": min(self.participation_rate, 1.0),
            "average_score": min(max(self.average_score / 100, 0.0), 1.0),
            "high_score_share": self.high_score_share,
        }


@dataclass
class RankedUnit:
    rank: int
    unit: UnitMeasures
    index: float  # 0..1
    parts: dict[str, float]  # each measure, normalised

    @property
    def index_percent(self) -> float:
        return round(self.index * 100, 1)

    @property
    def rate_percent(self) -> float:
        return round(self.unit.participation_rate * 100, 1)

    @property
    def high_percent(self) -> float:
        return round(self.unit.high_score_share * 100, 1)


def rank_units(units: list[UnitMeasures], weights: dict | None) -> list[RankedUnit]:
    """Units ordered best first; equal indexes keep distinct ranks through the tie-breakers."""
    weights = clean_weights(weights)
    total = sum(weights.values())
    scored = []
    for unit in units:
        parts = unit.normalised()
        index = sum(weights[key] * parts[key] for key in MEASURES) / total
        scored.append((round(index, 9), unit, parts))
    scored.sort(
        key=lambda item: (
            -item[0],
            -round(item[1].participation_rate, 9),
            -round(item[1].average_score, 9),
            item[1].code,
        )
    )
    return [
        RankedUnit(rank=position, unit=unit, index=index, parts=parts)
        for position, (index, unit, parts) in enumerate(scored, start=1)
    ]
