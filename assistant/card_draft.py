"""A first draft of a program card from a notice's text, for staff to review: the clauses that state who may apply,
each turned into a criterion where its wording is a common one ('업력 7년 미만', '비수도권', '국세 체납'),
with the clause quoted. Anything it cannot turn into data is left for the reviewer, marked TODO."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .config import IngestSettings
from .ingest import load_file
from .text import split_sentences

TODO = "TODO"
_HEADING = re.compile(r"^\s*(?:#{1,6}\s*|(?:\d+|[가-하]|[ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ]+)[.)]\s*)(.+)$")
# Where eligibility is stated: a clause under such a heading, or one that names itself so.
_ELIGIBILITY = re.compile(r"자격|대상|요건|제외|조건|eligib", re.I)
_CAPITAL = ["seoul", "incheon", "gyeonggi"]
_SME = ["micro", "small", "medium"]
# (pattern, field, rule, value or a function of the match): wordings of eligibility clauses in Korean notices. The
# last three are so common elsewhere ('중소기업 정책자금') that they count only where eligibility is stated.
_CLAUSES: list[tuple[re.Pattern, str, str, object]] = [
    (re.compile(r"업력\s*(\d+)\s*년\s*미만"), "years_in_business", "below", lambda m: int(m.group(1))),
    (re.compile(r"창업\s*(\d+)\s*년\s*이내"), "years_in_business", "at_most", lambda m: int(m.group(1))),
    (re.compile(r"업력\s*(\d+)\s*년\s*이상"), "years_in_business", "at_least", lambda m: int(m.group(1))),
    (re.compile(r"(?:상시\s*)?(?:근로자|종업원)\s*(?:수\s*)?(\d+)\s*[인명]\s*이상"), "employees", "at_least", lambda m: int(m.group(1))),
    (re.compile(r"(?:상시\s*)?(?:근로자|종업원)\s*(?:수\s*)?(\d+)\s*[인명]\s*미만"), "employees", "below", lambda m: int(m.group(1))),
    (re.compile(r"비\s*수도권|수도권\s*(?:소재\s*)?(?:기업\s*)?(?:은\s*)?제외"), "region", "not_in", _CAPITAL),
    (re.compile(r"(?:지방자치단체|지자체|시[·ㆍ]도지사|광역자치단체)(?:의\s*장)?(?:가|이|는|만)\s"), "applicant", "in",
     ["local_government"]),
    (re.compile(r"체납"), "tax_arrears", "is", False),
    (re.compile(r"제조업"), "sector", "in", ["manufacturing"]),
    (re.compile(r"중소기업"), "size_class", "in", _SME),
    (re.compile(r"소상공인"), "size_class", "in", ["micro"]),
]
_CONTEXT_ONLY = 3


def draft_card(path: Path, card_id: str, limits: IngestSettings) -> dict:
    """A card (as plain data, ready for YAML) proposed from the notice at path; never valid until reviewed."""
    criteria, seen = [], set()
    for page, heading, sentence in _sentences(path, limits):
        stated_here = bool(_ELIGIBILITY.search(heading) or _ELIGIBILITY.search(sentence))
        clauses = _CLAUSES if stated_here else _CLAUSES[:-_CONTEXT_ONLY]
        for pattern, field, rule, value in clauses:
            match = pattern.search(sentence)
            if not match or (field, rule) in seen:
                continue
            seen.add((field, rule))
            criteria.append({
                "field": field,
                "rule": rule,
                "value": value(match) if callable(value) else value,
                "text": {"ko": sentence, "en": TODO},
                "cite": {"document": path.name, "page": page, "clause": heading or TODO, "quote": sentence},
            })
    return {
        "id": card_id,
        "name": {"ko": TODO, "en": TODO},
        "aliases": [],
        "ministry": {"ko": TODO, "en": TODO},
        "funds": {"ko": TODO, "en": TODO},
        "sources": [{"document": path.name, "title": TODO, "publisher": TODO, "date": TODO}],
        "criteria": criteria,
    }


def _sentences(path: Path, limits: IngestSettings) -> Iterator[tuple[int | None, str, str]]:
    """Each sentence of the notice with its page and the heading it sits under."""
    for page in load_file(path, limits):
        heading = ""
        for line in page.text.splitlines():
            line = line.strip()
            if not line:
                continue
            if (match := _HEADING.match(line)) and len(line) <= 40:
                heading = match.group(1).strip()
                continue
            for sentence in split_sentences(line):
                yield page.page, heading, sentence.strip(" |□○-※").strip()
