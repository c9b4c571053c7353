"""Question banks and their questions (题库 / 试题): every write, checked and audited."""

from __future__ import annotations

from collections.abc import Sequence

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from gonghui.core.audit import audit_record
from gonghui.core.errors import ApplicationError
from gonghui.core.permissions import Perm
from gonghui.core.scope import Scope
from gonghui.orgs.models import Org, OrgStatus
from gonghui.quizzes.models import (
    LETTERS,
    TRUE_FALSE_OPTIONS,
    Question,
    QuestionBank,
    QuestionKind,
)

MAX_OPTIONS = len(LETTERS)
MIN_OPTIONS = {QuestionKind.SINGLE: 2, QuestionKind.MULTIPLE: 3, QuestionKind.TRUE_FALSE: 2}


def _active(org: Org) -> None:
    if org.status != OrgStatus.ACTIVE:
        raise ApplicationError(_("This union is archived."))


def _name(name: str) -> str:
    name = (name or "").strip()
    if not name:
        raise ApplicationError(
            _("Please correct the marked fields."), fields={"name": [_("Give it a name.")]}
        )
    if len(name) > 100:
        raise ApplicationError(
            _("Please correct the marked fields."),
            fields={"name": [_("At most %(n)s characters.") % {"n": 100}]},
        )
    return name


def bank_create(*, scope: Scope, org: Org, name: str) -> QuestionBank:
    scope.require(Perm.EDIT, org)
    _active(org)
    name = _name(name)
    try:
        with transaction.atomic():
            bank = QuestionBank.objects.create(org=org, name=name)
            audit_record(
                action="quizzes.bank_create",
                scope=scope,
                org=org,
                target=bank,
                after={"name": name},
            )
    except IntegrityError:
        raise ApplicationError(
            _("Please correct the marked fields."),
            fields={"name": [_("This union already has a bank of that name.")]},
        ) from None
    return bank


def bank_rename(*, scope: Scope, bank: QuestionBank, name: str) -> QuestionBank:
    scope.require(Perm.EDIT, bank.org)
    name = _name(name)
    if name == bank.name:
        return bank
    before = {"name": bank.name}
    try:
        with transaction.atomic():
            bank.name = name
            bank.save(update_fields=["name"])
            audit_record(
                action="quizzes.bank_rename",
                scope=scope,
                org=bank.org,
                target=bank,
                before=before,
                after={"name": name},
            )
    except IntegrityError:
        raise ApplicationError(
            _("Please correct the marked fields."),
            fields={"name": [_("This union already has a bank of that name.")]},
        ) from None
    return bank


def bank_for_import(*, scope: Scope, org: Org, name: str) -> QuestionBank:
    """The bank of ``org`` named ``name``, created if the import is the first to name it."""
    found = QuestionBank.objects.filter(org=org, name=name).first()
    return found or bank_create(scope=scope, org=org, name=name)


def clean_question(
    *, kind: str, stem: str, options: Sequence[str], answer: str, tags: Sequence[str]
) -> dict:
    """The question's values made canonical, or ApplicationError naming each bad field."""
    errors: dict[str, list[str]] = {}
    if kind not in QuestionKind.values:
        errors["kind"] = [_("Choose single choice, multiple choice or true/false.")]
        kind = QuestionKind.SINGLE
    stem = (stem or "").strip()
    if not stem:
        errors["stem"] = [_("The question text is missing.")]
    if kind == QuestionKind.TRUE_FALSE:
        options = list(TRUE_FALSE_OPTIONS)
    else:
        options = [str(o).strip() for o in options]
        while options and not options[-1]:
            options.pop()
        if any(not o for o in options):
            errors["options"] = [_("An option is empty while a later one is filled in.")]
        elif len(options) < MIN_OPTIONS[kind] or len(options) > MAX_OPTIONS:
            errors["options"] = [
                _("Give between %(min)s and %(max)s options.")
                % {"min": MIN_OPTIONS[kind], "max": MAX_OPTIONS}
            ]
        elif len(set(options)) < len(options):
            errors["options"] = [_("Two options have the same text.")]
    letters = "".join(sorted(set((answer or "").upper().replace(" ", ""))))
    if not letters:
        errors["answer"] = [_("Mark the right answer.")]
    elif any(c not in LETTERS[: len(options)] for c in letters):
        errors["answer"] = [_("The answer names an option that has no text.")]
    elif kind != QuestionKind.MULTIPLE and len(letters) != 1:
        errors["answer"] = [_("This kind of question has exactly one right answer.")]
    elif kind == QuestionKind.MULTIPLE and len(letters) < 2:
        errors["answer"] = [_("A multiple-choice question needs at least two right answers.")]
    clean_tags = []
    for tag in tags:
        tag = str(tag).strip()[:20]
        if tag and tag not in clean_tags:
            clean_tags.append(tag)
    if errors:
        raise ApplicationError(_("Please correct the marked fields."), fields=errors)
    return {
        "kind": kind,
        "stem": stem,
        "options": options,
        "answer": letters,
        "tags": clean_tags,
    }


def _snapshot(question: Question) -> dict:
    return {
        "kind": question.kind,
        "stem": question.stem,
        "options": question.options,
        "answer": question.answer,
        "explanation": question.explanation,
        "tags": question.tags,
        "is_active": question.is_active,
    }


def question_create(
    *,
    scope: Scope,
    bank: QuestionBank,
    kind: str,
    stem: str,
    options: Sequence[str] = (),
    answer: str,
    explanation: str = "",
    tags: Sequence[str] = (),
) -> Question:
    scope.require(Perm.EDIT, bank.org)
    values = clean_question(kind=kind, stem=stem, options=options, answer=answer, tags=tags)
    with transaction.atomic():
        question = Question.objects.create(
            bank=bank, explanation=(explanation or "").strip(), **values
        )
        audit_record(
            action="quizzes.question_create",
            scope=scope,
            org=bank.org,
            target=question,
            after=_snapshot(question),
        )
    return question


def question_update(
    *,
    scope: Scope,
    question: Question,
    kind: str,
    stem: str,
    options: Sequence[str] = (),
    answer: str,
    explanation: str = "",
    tags: Sequence[str] = (),
    is_active: bool | None = None,
) -> Question:
    """Change a question. Sittings already submitted keep their scores: the per-question
    rows recorded whether each answer was right when it was marked."""
    bank = question.bank
    scope.require(Perm.EDIT, bank.org)
    values = clean_question(kind=kind, stem=stem, options=options, answer=answer, tags=tags)
    before = _snapshot(question)
    with transaction.atomic():
        for field, value in values.items():
            setattr(question, field, value)
        question.explanation = (explanation or "").strip()
        if is_active is not None:
            question.is_active = is_active
        question.save()
        audit_record(
            action="quizzes.question_update",
            scope=scope,
            org=bank.org,
            target=question,
            before=before,
            after=_snapshot(question),
        )
    return question


def question_set_active(*, scope: Scope, question: Question, active: bool) -> Question:
    """Retire a question from future papers (or bring it back); it is never deleted, since
    sittings refer to it."""
    scope.require(Perm.EDIT, question.bank.org)
    if question.is_active == active:
        return question
    with transaction.atomic():
        question.is_active = active
        question.save(update_fields=["is_active"])
        audit_record(
            action="quizzes.question_set_active",
            scope=scope,
            org=question.bank.org,
            target=question,
            before={"is_active": not active},
            after={"is_active": active},
        )
    return question
