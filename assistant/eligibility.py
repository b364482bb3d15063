"""Eligibility: for a company profile, each program's verdict with one cited line per criterion.

A criterion whose fact is unknown makes the program `need_info` (with the one question that would settle it), never
`not_eligible`: open benefit screeners leave a program open when an input is missing, and so do we.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from .profile import FIELDS, SME_CLASSES, Profile
from .programs import Card, Criterion, Text

Status = Literal["met", "not_met", "unknown"]
Verdict = Literal["eligible", "not_eligible", "need_info"]
# The order in which missing facts are asked for: the basic ones first, the exclusions last.
ASK_ORDER = tuple(FIELDS)
_RANK = {"eligible": 0, "need_info": 1, "not_eligible": 2}


@dataclass(frozen=True)
class Check:
    """One criterion judged against the profile."""

    criterion: Criterion
    status: Status


@dataclass(frozen=True)
class Assessment:
    """A program's verdict for one profile: every criterion's check, what to ask next, what would change it."""

    card: Card
    verdict: Verdict
    checks: tuple[Check, ...]

    @property
    def next_field(self) -> str | None:
        """The profile field to ask about next (need_info only)."""
        unknown = {c.criterion.field for c in self.checks if c.status == "unknown"}
        if self.verdict != "need_info" or not unknown:
            return None
        return next(name for name in ASK_ORDER if name in unknown)

    def next_question(self, language: str) -> str | None:
        name = self.next_field
        if name is None:
            return None
        ko, en = FIELDS[name].question
        return ko if language == "ko" else en

    @property
    def fixes(self) -> tuple[Text, ...]:
        """What would change a not_eligible outcome, where the card says (not_met criteria only)."""
        return tuple(c.criterion.fix for c in self.checks if c.status == "not_met" and c.criterion.fix)

    def to_dict(self, language: str = "ko") -> dict:
        """The `assistant match --json` shape."""
        return {
            "program": self.card.id,
            "name": self.card.name.in_language(language),
            "verdict": self.verdict,
            "criteria": [
                {
                    "criterion": c.criterion.text.in_language(language),
                    "field": c.criterion.field,
                    "status": c.status,
                    "citation": {
                        "source": c.criterion.cite.document,
                        "page": c.criterion.cite.page,
                        "clause": c.criterion.cite.clause,
                        "snippet": c.criterion.cite.quote,
                    },
                }
                for c in self.checks
            ],
            "next_question": self.next_question(language),
            "would_change": [fix.in_language(language) for fix in self.fixes],
        }


def check(criterion: Criterion, profile: Profile) -> Status:
    """Judge one criterion; unknown when the profile lacks its field, or when '중소기업' cannot tell small from
    medium but the criterion does."""
    value = getattr(profile, criterion.field)
    if value is None and criterion.field == "applicant":
        value = "company"  # the assistant serves companies; a local government says so
    if value is None:
        return "unknown"
    rule, wanted = criterion.rule, criterion.value
    if rule in {"in", "not_in"}:
        possible = set(SME_CLASSES) if value == "sme" else {value}
        inside = possible & set(wanted)
        if inside and inside != possible:
            return "unknown"
        return _status(bool(inside) == (rule == "in"))
    if rule == "at_least":
        return _status(value >= wanted)
    if rule == "at_most":
        return _status(value <= wanted)
    if rule == "below":
        return _status(value < wanted)
    if rule == "is":
        return _status(value == wanted)
    shared = bool(set(value) & set(wanted))
    return _status(shared == (rule == "any_of"))


def _status(holds: bool) -> Status:
    return "met" if holds else "not_met"


def assess(card: Card, profile: Profile) -> Assessment:
    checks = tuple(Check(c, check(c, profile)) for c in card.criteria)
    statuses = {c.status for c in checks}
    verdict: Verdict = "not_eligible" if "not_met" in statuses else "need_info" if "unknown" in statuses else "eligible"
    return Assessment(card, verdict, checks)


def match(cards: list[Card], profile: Profile, programs: Sequence[str] = ()) -> list[Assessment]:
    """The named programs' assessments (default: every program's), best first: eligible, then need_info with the
    fewest open questions, then not_eligible; more criteria met first within each, then card order."""
    assessments = [assess(card, profile) for card in cards if not programs or card.id in programs]
    return sorted(assessments, key=lambda a: (
        _RANK[a.verdict],
        sum(c.status == "unknown" for c in a.checks),
        -sum(c.status == "met" for c in a.checks),
    ))
