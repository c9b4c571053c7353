"""Exports of a campaign's figures for the debrief (DESIGN rule 7): per-unit figures,
the ranking and the participants, streamed and audited like the other exports. Phones
leave masked unless the user holds the reveal permission over the whole scope."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gonghui.core.audit import audit_record
from gonghui.core.crypto import decrypt, keyring
from gonghui.core.exports import write_xlsx_file
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.orgs.models import Org
from gonghui.quizzes.figures import campaign_figures
from gonghui.quizzes.models import QuizCampaign
from gonghui.quizzes.selectors import participant_list


def may_reveal(scope: Scope) -> bool:
    return bool(scope.grants) and all(Perm.REVEAL_PII in g.perms for g in scope.grants)


def _stamp() -> str:
    return timezone.localtime().strftime("%Y%m%d-%H%M")


def _audit(scope: Scope, campaign: QuizCampaign, what: str, rows: int, **extra) -> None:
    with transaction.atomic():
        audit_record(
            action="quizzes.export",
            scope=scope,
            org=campaign.org,
            target=campaign,
            extra={"sheet": what, "rows": rows, **extra},
        )


def figures_export(*, scope: Scope, campaign: QuizCampaign, unit: Org | None = None):
    """One row per union under ``unit``: eligible, participants, rate, average, passed,
    high scores, with the as-of time."""
    figures = campaign_figures(campaign, unit=unit)
    as_of = timezone.localtime(figures.as_of).replace(tzinfo=None)

    def lines():
        for line in [*figures.by_unit, figures.total]:
            yield [
                line.label,
                line.org.code if not line.is_self and line is not figures.total else "",
                line.eligible,
                line.participants,
                round(line.rate * 100, 2),
                round(line.average, 2),
                line.passed,
                line.high,
                as_of,
            ]

    headers = [
        _("Union"),
        _("Code"),
        _("Eligible workers"),
        _("Participants"),
        _("Participation rate (%)"),
        _("Average score"),
        _("Passed"),
        _("High scores"),
        _("As of"),
    ]
    handle, count = write_xlsx_file(
        headers, lines(), sheet_name=_("Figures"), widths=(28, 14, 12, 12, 12, 10, 10, 10, 17)
    )
    _audit(scope, campaign, "figures", count)
    return handle, _("Quiz figures %(stamp)s.xlsx") % {"stamp": _stamp()}


def ranking_export(*, scope: Scope, campaign: QuizCampaign, unit: Org | None = None):
    figures = campaign_figures(campaign, unit=unit)
    as_of = timezone.localtime(figures.as_of).replace(tzinfo=None)

    def lines():
        for ranked in figures.ranking:
            unit_row = ranked.unit
            yield [
                ranked.rank,
                unit_row.name,
                unit_row.code,
                round(ranked.index * 100, 2),
                round(unit_row.participation_rate * 100, 2),
                round(unit_row.average_score, 2),
                round(unit_row.high_score_share * 100, 2),
                unit_row.eligible,
                unit_row.participants,
                as_of,
            ]

    headers = [
        _("Rank"),
        _("Union"),
        _("Code"),
        _("Index (0–100)"),
        _("Participation rate (%)"),
        _("Average score"),
        _("High scores (%)"),
        _("Eligible workers"),
        _("Participants"),
        _("As of"),
    ]
    handle, count = write_xlsx_file(
        headers, lines(), sheet_name=_("Ranking"), widths=(6, 28, 14, 12, 12, 10, 12, 12, 12, 17)
    )
    _audit(scope, campaign, "ranking", count)
    return handle, _("Quiz ranking %(stamp)s.xlsx") % {"stamp": _stamp()}


def participants_export(*, scope: Scope, campaign: QuizCampaign, unit: Org | None = None):
    reveal = may_reveal(scope)
    rows = (
        participant_list(campaign, unit=unit)
        .values_list(
            "name",
            "org__name",
            "phone_masked",
            "phone_enc",
            "worker_id",
            "submitted_count",
            "counted_score",
            "passed",
            "last_submitted_at",
        )
        .iterator(chunk_size=2000)
    )
    ring = keyring() if reveal else None

    def lines():
        for name, org, masked, phone_enc, worker_id, sittings, score, passed, at in rows:
            phone = decrypt("phone", phone_enc, ring) if reveal and phone_enc else masked
            yield [
                name,
                org,
                phone,
                _("Yes") if worker_id else _("No"),
                sittings,
                score,
                _("Yes") if passed else "",
                timezone.localtime(at).replace(tzinfo=None) if at else None,
            ]

    headers = [
        pgettext("person", "Name"),
        _("Union"),
        _("Mobile phone"),
        _("In the register"),
        _("Sittings"),
        _("Score"),
        _("Passed"),
        _("Last submitted"),
    ]
    handle, count = write_xlsx_file(
        headers, lines(), sheet_name=_("Participants"), widths=(10, 28, 13, 8, 8, 8, 8, 17)
    )
    _audit(scope, campaign, "participants", count, revealed=reveal)
    return handle, _("Quiz participants %(stamp)s.xlsx") % {"stamp": _stamp()}


def questions_export(*, scope: Scope, campaign: QuizCampaign, unit: Org | None = None):
    """Every question drawn in the campaign with how often it was answered wrong, the
    hardest first: what the debrief goes through."""
    figures = campaign_figures(campaign, unit=unit, question_limit=None)
    as_of = timezone.localtime(figures.as_of).replace(tzinfo=None)

    def lines():
        for number, line in enumerate(figures.questions, start=1):
            yield [number, line.stem, line.kind, line.answered, line.wrong, line.error_rate, as_of]

    headers = [
        _("No."),
        _("Question"),
        _("Question type"),
        _("Answered"),
        _("Answered wrong"),
        _("Error rate (%)"),
        _("As of"),
    ]
    handle, count = write_xlsx_file(
        headers, lines(), sheet_name=_("Error rate"), widths=(6, 60, 10, 10, 10, 12, 17)
    )
    _audit(scope, campaign, "questions", count)
    return handle, _("Quiz questions %(stamp)s.xlsx") % {"stamp": _stamp()}
