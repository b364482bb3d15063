"""The chat's answer to 'can my company get X?': per program a verdict, one cited line per criterion, and the one
question that would settle it. Never a bare refusal: without a matching card it says which programs it knows."""

from __future__ import annotations

from typing import Literal

from .eligibility import Assessment
from .profile import FIELDS, Profile, label
from .programs import Card, Cite
from .schema import Answer, Citation

Scope = Literal["named", "any", "related"]
# Most programs shown when the question names none (the profile's best matches).
MAX_PROGRAMS = 3
_VERDICT = {
    "ko": {"eligible": "신청 요건 충족", "not_eligible": "신청 요건 미충족", "need_info": "추가 확인 필요"},
    "en": {"eligible": "meets the requirements", "not_eligible": "does not meet the requirements",
           "need_info": "more information needed"},
}
_MARK = {"met": "✔", "not_met": "✘", "unknown": "?"}
_STATUS = {
    "ko": {"met": "충족", "not_met": "미충족", "unknown": "확인 필요"},
    "en": {"met": "met", "not_met": "not met", "unknown": "unknown"},
}
_TEXT = {
    "ko": {
        "profile": "말씀하신 회사 정보: {facts}",
        "no_profile": "아직 회사 정보를 듣지 못해, 요건만 안내합니다.",
        "ask": "확인을 위해 여쭙니다: {question}",
        "change": "달라질 수 있는 경우: {fix}",
        "any": "안내할 수 있는 사업 가운데 회사 정보에 가장 맞는 {n}개입니다.",
        "related": "질문하신 사업은 신청 자격을 정리해 둔 사업 목록에 없어, 관련 문서에 나오는 사업 {n}개를 확인했습니다.",
        "note": "※ 위 판단은 공고문에 적힌 요건만 비교한 것이며, 최종 선정은 운영기관의 심사로 정해집니다. {help}",
    },
    "en": {
        "profile": "Your company as you described it: {facts}",
        "no_profile": "I do not know anything about your company yet, so here are the requirements.",
        "ask": "To decide, please tell me: {question}",
        "change": "What would change this: {fix}",
        "any": "The {n} programs I can assess that fit your company best:",
        "related": "The program you ask about is not among those whose requirements I have on file, so I checked the "
        "{n} programs in the documents about it.",
        "note": "Note: this compares only the requirements the notices state; the operating agency makes the final "
        "selection. {help}",
    },
}


def write_assessments(
    question: str, language: str, profile: Profile, assessments: list[Assessment], scope: Scope, help_line: str
) -> Answer:
    """The answer text and its citations. scope: the programs the question named, any program (the best few are
    shown), or those related to a program without a card."""
    lang = "ko" if language == "ko" else "en"
    words = _TEXT[lang]
    shown = assessments if scope == "named" else assessments[:MAX_PROGRAMS]
    citations: list[Citation] = []
    lines = [_profile_line(profile, lang)]
    if scope != "named":
        lines.append(words[scope].format(n=len(shown)))
    for assessment in shown:
        lines.append("")
        lines.extend(_program_lines(assessment, lang, citations))
    asked = next((a.next_question(lang) for a in shown if a.verdict == "need_info"), None)
    if asked:
        lines += ["", words["ask"].format(question=asked)]
    return Answer(
        question=question, text="\n".join(lines), language=language, abstained=False, citations=citations,
        evidence=1.0, generator="eligibility", note=words["note"].format(help=help_line),
    )


def _profile_line(profile: Profile, lang: str) -> str:
    known = profile.known()
    if not known:
        return _TEXT[lang]["no_profile"]
    facts = ", ".join(f"{FIELDS[name].label[lang != 'ko']} {label(name, value, lang)}" for name, value in known.items())
    return _TEXT[lang]["profile"].format(facts=facts)


def _program_lines(assessment: Assessment, lang: str, citations: list[Citation]) -> list[str]:
    card = assessment.card
    lines = [f"■ {card.name.in_language(lang)} — {_VERDICT[lang][assessment.verdict]}"]
    for item in assessment.checks:
        number = _cite(item.criterion.cite, card, citations)
        lines.append(
            f"  {_MARK[item.status]} {item.criterion.text.in_language(lang)} ({_STATUS[lang][item.status]}) [{number}]"
        )
    lines.extend(f"  → {_TEXT[lang]['change'].format(fix=fix.in_language(lang))}" for fix in assessment.fixes)
    return lines


def _cite(cite: Cite, card: Card, citations: list[Citation]) -> int:
    """The citation number of a clause, adding it the first time it is used."""
    for citation in citations:
        if (citation.source, citation.page, citation.snippet) == (cite.document, cite.page, cite.quote):
            return citation.number
    citations.append(Citation(
        number=len(citations) + 1, source=cite.document, page=cite.page, snippet=cite.quote, score=1.0,
        heading=cite.clause, title=card.name.ko,
    ))
    return len(citations)
