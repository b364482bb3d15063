"""Whether an answer's claims are in the passages it cites: the numbers (as values) and the names it states.

One check for two users: the evaluation's faithfulness metric and the LLM answer path, which refuses an answer
that states something its cited passages do not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .numbers import numeric_values

MARKER = re.compile(r"\[(\d+)\]")
# Names an answer may state: quoted titles and upper-case program acronyms (M.AX, DX, RE100, CPTPP).
_NAME = re.compile(r"'([^']{2,60})'|\"([^\"]{2,60})\"|‘([^’]{2,60})’|“([^”]{2,60})”|\b([A-Z][A-Z0-9]*(?:\.[A-Z0-9]+)*[A-Z0-9])\b")


def squash(text: str) -> str:
    """Lower case without any whitespace, so '150 조' and '150조', 'dx' and 'DX' compare equal."""
    return "".join(text.lower().split())


@dataclass(frozen=True)
class Claims:
    """What an answer states that a passage has to back: numbers as values and names as written."""

    numbers: frozenset[float]
    names: frozenset[str]

    def backed_by(self, text: str) -> bool:
        """Whether the text contains any of these claims (a number as a value, a name ignoring case and spacing)."""
        squashed = squash(text)
        return bool(self.numbers & numeric_values(text)) or any(squash(n) in squashed for n in self.names)


def markers(answer: str) -> list[int]:
    """The passage numbers an answer cites with [n] markers, each once, in the order it first cites them."""
    return list(dict.fromkeys(int(n) for n in MARKER.findall(answer)))


def claims(answer: str) -> Claims:
    """The numbers and names an answer states; its own [n] markers are not numbers."""
    text = MARKER.sub("", answer)
    names = frozenset(next(g for g in m.groups() if g) for m in _NAME.finditer(text))
    return Claims(frozenset(numeric_values(text)), names)


def unsupported_claims(answer: str, passages: list[str]) -> list[str]:
    """Numbers and names in an answer that no cited passage contains (empty for a faithful answer)."""
    stated = claims(answer)
    quoted = " ".join(passages)
    missing = [f"{n:g}" for n in sorted(stated.numbers - numeric_values(quoted))]
    missing += sorted(n for n in stated.names if squash(n) not in squash(quoted))
    return missing
