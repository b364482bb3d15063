"""Whether a turn asks if the user's own company qualifies, which programs it names, and the company's profile as the
conversation has told it so far."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from .profile import Profile
from .profile_reader import OWN, ProfileReader

# Wording that asks about qualifying ('받을 수 있나요', 'eligible', 'förderfähig') …
_QUALIFY = re.compile(
    r"받을\s*수\s*있|지원\s*받|신청할?\s*수\s*있|신청\s*가능|참여할?\s*수\s*있|이용할\s*수\s*있|해당\s*(?:되|하)|"
    r"대상(?:인가|이\s*되|이\s*맞|에\s*해당)|자격(?:이|은|이\s*되|요건)|받을\s*만한|맞는\s*(?:지원|사업)|가능(?:한가|할까|한지|하나)|"
    r"\beligib|\bqualif|\bcan\s+(?:\w+\s+){0,4}?(?:apply|get|receive|join|take\s+part|participate|use|benefit)\b|"
    r"\b(?:want|wants|plan|plans)\s+to\s+apply\b|\bis\s+(?:that|it|this)\s+possible\b|"
    r"\bprograms?\s+(?:for|fit)\s+(?:us|me|my|our)|"
    r"förderfähig|berechtigt|können\s+wir\s+.*(?:beantragen|bekommen|erhalten)",
    re.I,
)
# … unless it asks for a fact ('몇 곳 대상인가요?', 'What two project types can I apply for?'); which programs fit is
# still an eligibility question.
_FACT = re.compile(
    r"몇|얼마|언제|\bhow\s+(?:many|much|big|long)\b|\bwhen\b|\bwhat\s+(?!programs?\b|support\b|kind\s+of\s+support\b)\w+",
    re.I,
)


# 'Which programs can we apply for?': every program is in question, not only those about the question's topic.
_ANY_PROGRAM = re.compile(
    r"어떤\s*(?:지원|사업|프로그램)|(?:받을|신청할|참여할)\s*수\s*있는\s*(?:지원|사업|프로그램)|"
    r"\b(?:which|what|any)\s+(?:programs?|support|schemes?)\b|\bwelche\s+(?:programme|förderung)",
    re.I,
)


@dataclass(frozen=True)
class Eligibility:
    """What a turn says about eligibility: whether it asks, which programs (card ids) or any program at all, and
    the profile so far."""

    asked: bool
    profile: Profile = field(default_factory=Profile)
    programs: tuple[str, ...] = ()
    any_program: bool = False
    continues: str = ""  # the earlier eligibility question this turn answers ('직원은 45명이에요'), standalone


class EligibilityReader:
    """Reads eligibility questions and profile facts from a turn and the user's earlier turns."""

    def __init__(self, profile_reader: ProfileReader, name_programs: Callable[[str], tuple[str, ...]]) -> None:
        self._profiles = profile_reader
        self._name_programs = name_programs

    def read(self, text: str, history: Sequence[str] = (), known: Profile | None = None) -> Eligibility:
        """history: the user's earlier messages, oldest first; known: facts given outside the chat (a profile
        form), which make a bare 'can we get X?' a question about the user's own company."""
        turns = [*history, text]
        stated = [self._profiles.read(turn) for turn in turns]  # each turn read once, however far back it reaches
        known = known or Profile()
        if known.known():
            stated[-1] = known.merged(stated[-1])
        profile = Profile()
        for facts in stated:
            profile = profile.merged(facts)
        return self._ask(turns, stated, len(turns) - 1, profile)

    def _ask(self, turns: list[str], stated: list[Profile], i: int, profile: Profile) -> Eligibility:
        """What turn i says about eligibility, given the facts each turn states."""
        text = turns[i]
        programs = self._name_programs(text)
        if _QUALIFY.search(text) and not _FACT.search(text) and (OWN.search(text) or stated[i].known()):
            return Eligibility(True, profile, programs, bool(_ANY_PROGRAM.search(text)))
        # An answer to the question the assistant asked ('직원은 45명이에요') continues the earlier eligibility turn; a
        # turn asking for a fact does not ('그럼 지자체 신청 마감은 언제예요?' names an applicant, but asks when).
        if i and stated[i].known() and not programs and not _FACT.search(text):
            earlier = self._ask(turns, stated, i - 1, profile)
            if earlier.asked:
                asked = f"{earlier.continues} {turns[i - 1]}".strip()
                return Eligibility(True, profile, earlier.programs, earlier.any_program, asked)
        return Eligibility(False, profile, programs)
