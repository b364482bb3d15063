"""Eligibility suites: profiles or chat questions with the verdict each program should get.

A line is `{"id", "language", "program", "verdict", "profile"}` and, for a chat case, `"question"` (its `profile` is
then what the question states). Metrics: verdict accuracy, profile facts read from chat questions, and whether
every criterion's citation quotes its document.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from .config import IngestSettings
from .eligibility import assess
from .grounding import unsupported_claims
from .evaluation import SuiteError, read_lines
from .ingest import IngestError, load_file
from .profile import Profile
from .programs import Card
from .service import Assessed, AssistantService
from .text import detect_language

VERDICTS = {"eligible", "not_eligible", "need_info"}


@dataclass(frozen=True)
class EligibilityCase:
    id: str
    language: str
    program: str
    verdict: str
    profile: Profile
    question: str | None = None
    suite: str = ""


def is_eligibility_suite(path: Path) -> bool:
    """Whether a JSONL file holds eligibility cases (its first case has a 'verdict')."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            try:
                return "verdict" in json.loads(line)
            except json.JSONDecodeError:
                return False
    return False


def load_eligibility_suites(paths: Iterable[Path], cards: list[Card]) -> list[EligibilityCase]:
    """Read eligibility suites; raise SuiteError naming the file, line and field that is wrong."""
    known = {card.id for card in cards}
    cases: list[EligibilityCase] = []
    seen: set[str] = set()
    for path in paths:
        for where, data in read_lines(path):
            try:
                profile = Profile.model_validate(data.get("profile", {}))
            except ValidationError as exc:
                first = exc.errors()[0]
                raise SuiteError(f"{where}: profile.{'.'.join(map(str, first['loc']))}: {first['msg']}") from exc
            for name in ("id", "program", "verdict"):
                if not isinstance(data.get(name), str):
                    raise SuiteError(f"{where}: field '{name}' must be a string")
            if data["verdict"] not in VERDICTS:
                raise SuiteError(f"{where}: verdict '{data['verdict']}' is not one of {', '.join(sorted(VERDICTS))}")
            if data["program"] not in known:
                raise SuiteError(f"{where}: program '{data['program']}' has no card")
            if data["id"] in seen:
                raise SuiteError(f"{where}: duplicate id '{data['id']}'")
            seen.add(data["id"])
            cases.append(EligibilityCase(
                data["id"], data.get("language", "ko"), data["program"], data["verdict"], profile,
                data.get("question"), path.stem,
            ))
    return cases


def run_eligibility(cases: list[EligibilityCase], service: AssistantService) -> list[dict]:
    """One result line per case: the verdict given, and for chat cases the profile read from the question."""
    cards = {card.id: card for card in service.cards}
    lines = []
    for case in cases:
        line: dict = {"id": case.id, "suite": case.suite, "language": case.language, "program": case.program,
                      "expected": case.verdict}
        if case.question is None:
            line["verdict"] = assess(cards[case.program], case.profile).verdict
        else:
            assessed = next((e for e in service.stream(case.question) if isinstance(e, Assessed)), None)
            found = {a.card.id: a.verdict for a in assessed.assessments} if assessed else {}
            line["verdict"] = found.get(case.program, "not_assessed")
            read = assessed.profile.known() if assessed else {}
            wanted = case.profile.known()
            line["profile_read"] = {k: list(v) if isinstance(v, tuple) else v for k, v in read.items()}
            line["profile_right"] = all(read.get(k) == v for k, v in wanted.items())
        line["correct"] = line["verdict"] == case.verdict
        lines.append(line)
    return lines


def citation_problems(cards: list[Card], corpus_dir: Path, limits: IngestSettings) -> list[str]:
    """Every criterion whose quote is not in its cited document (on its page, when one is given), or whose text
    states a number or name its quote does not (the text is what users read as backed by the quote)."""
    problems, texts = [], {}
    for card in cards:
        for n, criterion in enumerate(card.criteria):
            cite = criterion.cite
            if cite.document not in texts:
                try:
                    texts[cite.document] = load_file(corpus_dir / cite.document, limits)
                except IngestError as exc:
                    texts[cite.document] = exc
            pages = texts[cite.document]
            where = f"{card.id}: criteria[{n}] cites {cite.document}"
            if isinstance(pages, IngestError):
                problems.append(f"{where}: {pages}")
                continue
            text = "".join(p.text for p in pages if cite.page is None or p.page == cite.page)
            if _squash(cite.quote) not in _squash(text):
                page = f" page {cite.page}" if cite.page is not None else ""
                problems.append(f"{where}{page}: the quote is not there: \"{cite.quote[:60]}\"")
            claims = unsupported_claims(criterion.text.in_language(detect_language(cite.quote)), [cite.quote])
            if claims:
                problems.append(f"{where}: its text states {', '.join(claims)}, which the quote does not")
    return problems


def eligibility_metrics(lines: list[dict], cards: list[Card], problems: list[str]) -> dict[str, float | None]:
    chat = [line for line in lines if "profile_right" in line]
    criteria = sum(len(card.criteria) for card in cards)
    return {
        "cases": len(lines),
        "verdict_accuracy": _share(sum(line["correct"] for line in lines), len(lines)),
        "chat_verdict_accuracy": _share(sum(line["correct"] for line in chat), len(chat)),
        "profile_read_accuracy": _share(sum(line["profile_right"] for line in chat), len(chat)),
        "criterion_citation_correct": _share(criteria - len(problems), criteria),
    }


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _squash(text: str) -> str:
    return "".join(text.split())
