"""Quiz campaigns on the organiser's side: create, edit, the tag quotas that make each
sitting's paper, opening and closing. Every write checked and audited."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.members.models import WorkerGroup
from gonghui.orgs.models import Org, OrgStatus
from gonghui.quizzes.models import (
    CampaignStatus,
    Counting,
    Question,
    QuestionBank,
    QuizCampaign,
    Sitting,
    TagQuota,
)
from gonghui.quizzes.ranking import MEASURES, clean_weights

# Settings that decide how sittings are drawn, timed and counted: fixed once anyone has sat.
LOCKED_ONCE_SAT = ("time_limit_seconds", "sittings_allowed", "counting", "pass_mark")
MAX_QUESTIONS = 200


@dataclass(frozen=True)
class Quota:
    bank: QuestionBank
    tag: str
    count: int


def _invalid(errors: dict[str, list[str]]) -> ApplicationError:
    return ApplicationError(_("Please correct the marked fields."), fields=errors)


def _check_settings(values: dict) -> dict:
    errors: dict[str, list[str]] = {}
    title = (values.get("title") or "").strip()
    if not title:
        errors["title"] = [_("Give the campaign a title.")]
    elif len(title) > 100:
        errors["title"] = [_("At most %(n)s characters.") % {"n": 100}]
    values["title"] = title
    values["intro"] = (values.get("intro") or "").strip()
    starts_at, ends_at = values["starts_at"], values["ends_at"]
    if ends_at <= starts_at:
        errors["ends_at"] = [_("The campaign ends before it starts.")]
    if not 60 <= values["time_limit_seconds"] <= 4 * 3600:
        errors["time_limit_seconds"] = [_("Between 1 minute and 4 hours.")]
    if not 1 <= values["sittings_allowed"] <= 20:
        errors["sittings_allowed"] = [_("Between 1 and 20.")]
    if values["counting"] not in Counting.values:
        errors["counting"] = [_("Choose the best or the last sitting.")]
    for field in ("pass_mark", "high_score_mark"):
        if not 0 <= values[field] <= 100:
            errors[field] = [_("A score between 0 and 100.")]
    weights = values.get("ranking_weights") or {}
    if any(float(weights.get(k, 0) or 0) < 0 for k in MEASURES):
        errors["ranking_weights"] = [_("Weights cannot be negative.")]
    values["ranking_weights"] = clean_weights(weights)
    if errors:
        raise _invalid(errors)
    return values


def _groups(codes: Sequence[str]) -> list[WorkerGroup]:
    groups = list(WorkerGroup.objects.filter(code__in=list(codes)))
    if len(groups) != len(set(codes)):
        raise _invalid({"groups": [_("Unknown group.")]})
    return groups


def _snapshot(campaign: QuizCampaign) -> dict:
    return {
        "title": campaign.title,
        "starts_at": campaign.starts_at.isoformat(),
        "ends_at": campaign.ends_at.isoformat(),
        "time_limit_seconds": campaign.time_limit_seconds,
        "sittings_allowed": campaign.sittings_allowed,
        "counting": campaign.counting,
        "pass_mark": campaign.pass_mark,
        "show_answers": campaign.show_answers,
        "allow_unregistered": campaign.allow_unregistered,
        "offers_certificate": campaign.offers_certificate,
        "high_score_mark": campaign.high_score_mark,
        "ranking_weights": campaign.ranking_weights,
        "status": campaign.status,
    }


def campaign_create(
    *,
    scope: Scope,
    org: Org,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    intro: str = "",
    groups: Sequence[str] = (),
    time_limit_seconds: int = 600,
    sittings_allowed: int = 1,
    counting: str = Counting.BEST,
    pass_mark: int = 60,
    show_answers: bool = True,
    allow_unregistered: bool = False,
    offers_certificate: bool = False,
    high_score_mark: int = 90,
    ranking_weights: dict | None = None,
) -> QuizCampaign:
    """A campaign in draft for the workers of ``org``'s subtree (narrowed to ``groups``)."""
    scope.require(Perm.EDIT, org)
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(_("This union is archived."))
    values = _check_settings(
        {
            "title": title,
            "intro": intro,
            "starts_at": starts_at,
            "ends_at": ends_at,
            "time_limit_seconds": time_limit_seconds,
            "sittings_allowed": sittings_allowed,
            "counting": counting,
            "pass_mark": pass_mark,
            "show_answers": show_answers,
            "allow_unregistered": allow_unregistered,
            "offers_certificate": offers_certificate,
            "high_score_mark": high_score_mark,
            "ranking_weights": ranking_weights,
        }
    )
    chosen = _groups(groups)
    with transaction.atomic():
        campaign = QuizCampaign.objects.create(org=org, **values)
        campaign.groups.set(chosen)
        audit_record(
            action="quizzes.campaign_create",
            scope=scope,
            org=org,
            target=campaign,
            after={**_snapshot(campaign), "groups": sorted(g.code for g in chosen)},
        )
    return campaign


def campaign_update(*, scope: Scope, campaign: QuizCampaign, groups: Sequence[str], **fields):
    """Change the campaign's settings; those that decide how sittings are drawn and counted
    stay as they are once anyone has sat (the figures would mix two rules otherwise)."""
    scope.require(Perm.EDIT, campaign.org)
    before = _snapshot(campaign)
    current = {
        **before,
        "intro": campaign.intro,
        "starts_at": campaign.starts_at,
        "ends_at": campaign.ends_at,
        "ranking_weights": campaign.ranking_weights,
    }
    values = _check_settings({**current, **fields})
    values.pop("status", None)
    chosen = _groups(groups)
    sat = Sitting.objects.filter(campaign=campaign).exists()
    if sat:
        changed = [f for f in LOCKED_ONCE_SAT if values[f] != getattr(campaign, f)]
        old_groups = set(campaign.groups.values_list("code", flat=True))
        if changed or old_groups != {g.code for g in chosen}:
            raise _invalid(
                {
                    (changed or ["groups"])[0]: [
                        _("People have already sat this campaign: this can no longer change.")
                    ]
                }
            )
    with transaction.atomic():
        for field, value in values.items():
            setattr(campaign, field, value)
        campaign.updated_at = timezone.now()
        campaign.save()
        campaign.groups.set(chosen)
        audit_record(
            action="quizzes.campaign_update",
            scope=scope,
            org=campaign.org,
            target=campaign,
            before=before,
            after=_snapshot(campaign),
        )
    return campaign


def quota_shortfalls(quotas: Sequence[Quota]) -> list[str]:
    """Why these quotas cannot fill a paper from the active questions ([] when they can).

    Each quota needs that many active questions of its bank with its tag; and the quotas of
    one bank together need as many distinct questions as they draw (a question carrying two
    quota tags is drawn for one of them only)."""
    problems: list[str] = []
    by_bank: dict[int, list[Quota]] = defaultdict(list)
    for quota in quotas:
        by_bank[quota.bank.pk].append(quota)
    for quotas_of_bank in by_bank.values():
        bank = quotas_of_bank[0].bank
        questions = list(
            Question.objects.filter(bank=bank, is_active=True).values_list("pk", "tags")
        )
        matched: set[int] = set()
        for quota in quotas_of_bank:
            fitting = {pk for pk, tags in questions if not quota.tag or quota.tag in (tags or [])}
            matched |= fitting
            if len(fitting) < quota.count:
                problems.append(
                    _(
                        "“%(bank)s” has %(have)s active questions tagged “%(tag)s”, fewer "
                        "than the %(need)s each paper draws."
                    )
                    % {
                        "bank": bank.name,
                        "have": len(fitting),
                        "tag": quota.tag or _("any"),
                        "need": quota.count,
                    }
                )
        needed = sum(q.count for q in quotas_of_bank)
        if not problems and len(matched) < needed:
            problems.append(
                _(
                    "The quotas on “%(bank)s” draw %(need)s questions, but only %(have)s "
                    "distinct active questions fit them."
                )
                % {"bank": bank.name, "need": needed, "have": len(matched)}
            )
    return problems


def campaign_set_quotas(
    *, scope: Scope, campaign: QuizCampaign, quotas: Sequence[Quota]
) -> list[TagQuota]:
    """Replace how each sitting's paper is drawn: so many questions per bank and tag."""
    scope.require(Perm.EDIT, campaign.org)
    if Sitting.objects.filter(campaign=campaign).exists():
        raise ApplicationError(
            _("People have already sat this campaign: its papers can no longer change.")
        )
    errors: list[str] = []
    seen = set()
    for quota in quotas:
        if not scope.can(Perm.VIEW, quota.bank.org):
            errors.append(_("Choose question banks of your own unions."))
        if not 1 <= quota.count <= MAX_QUESTIONS:
            errors.append(
                _("Each quota draws between 1 and %(n)s questions.") % {"n": MAX_QUESTIONS}
            )
        if (quota.bank.pk, quota.tag) in seen:
            errors.append(_("The same bank and tag are listed twice."))
        seen.add((quota.bank.pk, quota.tag))
    if sum(q.count for q in quotas) > MAX_QUESTIONS:
        errors.append(_("A paper has at most %(n)s questions.") % {"n": MAX_QUESTIONS})
    if errors:
        raise _invalid({"quotas": sorted(set(errors))})
    problems = quota_shortfalls(quotas)
    if problems:
        raise _invalid({"quotas": problems})
    before = {"quotas": _quota_text(campaign.quotas.select_related("bank"))}
    with transaction.atomic():
        campaign.quotas.all().delete()
        rows = TagQuota.objects.bulk_create(
            TagQuota(campaign=campaign, bank=q.bank, tag=q.tag, count=q.count) for q in quotas
        )
        audit_record(
            action="quizzes.campaign_quotas",
            scope=scope,
            org=campaign.org,
            target=campaign,
            before=before,
            after={"quotas": _quota_text(quotas)},
        )
    return rows


def _quota_text(quotas) -> list[str]:
    return [f"{q.bank.name}/{q.tag or '*'}×{q.count}" for q in quotas]


def campaign_set_status(*, scope: Scope, campaign: QuizCampaign, status: str) -> QuizCampaign:
    """Open a campaign (its papers must be drawable and its window not over) or close it."""
    scope.require(Perm.EDIT, campaign.org)
    if status not in (CampaignStatus.OPEN, CampaignStatus.CLOSED):
        raise ApplicationError(_("Unknown status."))
    if status == campaign.status:
        return campaign
    if status == CampaignStatus.OPEN:
        quotas = [Quota(q.bank, q.tag, q.count) for q in campaign.quotas.select_related("bank")]
        if not quotas:
            raise ApplicationError(_("Say how many questions each paper draws before opening."))
        problems = quota_shortfalls(quotas)
        if problems:
            raise ApplicationError(" ".join(problems))
        if campaign.ends_at <= timezone.now():
            raise ApplicationError(_("The campaign's window is over; extend it before opening."))
    before = campaign.status
    with transaction.atomic():
        campaign.status = status
        campaign.updated_at = timezone.now()
        campaign.save(update_fields=["status", "updated_at"])
        audit_record(
            action="quizzes.campaign_status",
            scope=scope,
            org=campaign.org,
            target=campaign,
            before={"status": before},
            after={"status": status},
        )
    return campaign
