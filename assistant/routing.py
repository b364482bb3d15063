"""Every turn ends in a named outcome. Takeover attempts, harmful requests and small talk are recognised before any
document is searched (patterns in data/routing.tsv); a question too vague to search ('지원금 얼마예요?' with nothing
said before) is asked back; the rest is answered from the documents or the program cards, and what the documents do
not answer is told apart from what is not this assistant's business.

Off-topic wording ('드라마', 'weather') is only a presumption: the documents are read all the same, because a support
center indexes what it likes, and a question they clearly answer is answered whatever its topic words.
"""

from __future__ import annotations

import functools
import re
from importlib import resources
from typing import Literal

Outcome = Literal[
    "answered", "clarification", "unanswerable", "out_of_scope", "small_talk", "harmful", "personal_data", "guardrail",
]
OUTCOMES: tuple[str, ...] = Outcome.__args__
# Outcomes recognised before the search, in the order they are checked; all but PRESUMED end the turn there.
EARLY = ("guardrail", "harmful", "small_talk", "out_of_scope")
# Recognised early, but overturned when the documents clearly answer the question.
PRESUMED = "out_of_scope"
# A message of social words longer than this says something more ('안녕하세요 저는 … 운영하는데요').
MAX_SOCIAL_WORDS = 8
# Words that say what kind of answer is wanted but not about what: a question made only of these (and function
# words) names no program or topic, so it is asked back unless the conversation supplies one.
GENERIC = frozenset("""
지원 지원금 지원사업 사업 신청 신청서 최대 얼마 얼마나 나오 받 받을 금액 돈 한도 기간 마감 언제 어디 어떻게 방법 절차 서류 조건 자격 대상
첫 단계 먼저 하 되 있 싶 알 좀 문의 궁금 가능 필요 정도 총 혜택 참여 참가 지역 곳 개 규모 종류 회사 기업 우리 저희
내 제출 뭐 무엇 무슨 어떤 어느 돼 접수 선정 비율 연락처 결과 발표 목록 요건 일정 금리 이자 년 자부담 부담 양식 서식 프로 퍼센트 정부
support subsidy grant fund funding program programme amount much money apply application first step deadline when where
how what which need needed document documents condition conditions eligible eligibility maximum max get like would want
company companies firm firms business businesses start submit papers form forms find percent percentage share
requirement requirements criteria period rate interest contact long last selection selected schedule result results
close closes closing open opens
förderung antrag beantragen betrag wie viel wann wo firma firmen unternehmen maximal höchstens bekommt bekommen erhält
erhalten geld summe höhe dauer lange läuft frist kosten voraussetzungen bewerben bewerbung kontakt ergebnis 확보 과제 핵심
궁금하 ratio receive förderquote quote unterlagen brauche brauchen anmelden stellen einreichen
""".split())

REPLIES: dict[str, dict[str, str]] = {
    "guardrail": {
        "ko": "이 도우미는 지원사업 문서에 근거한 안내만 하며, 대화나 문서 속 지시로 동작 방식을 바꾸지 않습니다. 지원사업에 관해 궁금한 점을 물어봐 주세요.",
        "en": "I only give guidance based on the support-program documents, and instructions in a message or a document "
        "do not change how I work. Please ask about a support program.",
        "de": "Ich gebe nur Auskunft auf Grundlage der Förderdokumente; Anweisungen in Nachrichten oder Dokumenten ändern "
        "daran nichts. Bitte fragen Sie nach einem Förderprogramm.",
    },
    "harmful": {
        "ko": "서류를 꾸미거나 세금을 피하는 등 법을 어기는 일은 도와드릴 수 없습니다. 지원사업의 정상적인 신청 방법과 요건은 안내해 드릴게요.",
        "en": "I cannot help with anything unlawful, such as falsifying documents or evading tax. I am glad to explain "
        "how to apply properly and what the requirements are.",
        "de": "Bei Rechtswidrigem, etwa gefälschten Unterlagen oder Steuerhinterziehung, kann ich nicht helfen. Gern "
        "erkläre ich, wie man korrekt beantragt.",
    },
    "small_talk": {
        "ko": "안녕하세요. 중소기업 지원사업 안내 도우미입니다. 스마트공장, AI 팩토리, 정책자금, 규제자유특구 같은 지원사업과 우리 회사가 받을 수 있는지 물어보세요.",
        "en": "Hello, I am the SME support-program assistant. Ask me about programs such as smart factories, AI "
        "factories, policy loans or regulation-free zones, or whether your company qualifies.",
        "de": "Hallo, ich bin der Assistent für KMU-Förderprogramme. Fragen Sie nach Programmen wie Smart Factory, "
        "KI-Fabriken, Förderkrediten oder regulierungsfreien Zonen.",
    },
    "out_of_scope": {
        "ko": "죄송하지만 이 도우미는 중소기업 지원사업만 안내합니다. 지원사업에 관한 질문을 해 주세요.",
        "en": "Sorry, this assistant only covers support programs for SMEs. Please ask about a support program.",
        "de": "Dieser Assistent beantwortet nur Fragen zu KMU-Förderprogrammen.",
    },
    "clarification": {
        "ko": "어떤 지원사업을 말씀하시는지 알려 주세요. 예: {examples}",
        "en": "Which support program do you mean? For example: {examples}",
        "de": "Welches Förderprogramm meinen Sie? Zum Beispiel: {examples}",
    },
    "personal_data": {
        "ko": "개인정보(주민등록번호, 전화번호, 이메일, 카드·계좌번호)는 입력하지 마세요. 해당 정보는 가리고 저장하지 않았으며, 나머지 질문에 답합니다.",
        "en": "Please do not type personal data (ID, phone, e-mail, card or account numbers). I masked it, stored none of "
        "it, and answered the rest of your message.",
        "de": "Bitte geben Sie keine persönlichen Daten ein (Ausweis-, Telefon-, Karten-, Kontonummern, E-Mail). Ich habe "
        "sie unkenntlich gemacht, nicht gespeichert und den Rest beantwortet.",
    },
}


@functools.cache
def _patterns() -> dict[str, re.Pattern]:
    """One pattern per early outcome, from data/routing.tsv (read on first use)."""
    text = resources.files("assistant").joinpath("data/routing.tsv").read_text(encoding="utf-8")
    found: dict[str, list[str]] = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            outcome, pattern = line.split("\t", 1)
            found.setdefault(outcome, []).append(f"(?:{pattern})")
    return {outcome: re.compile("|".join(parts), re.I) for outcome, parts in found.items()}


def early_outcome(text: str) -> str | None:
    """The outcome a message gets before any search, or None when it is a question for the documents."""
    patterns = _patterns()
    return next((o for o in EARLY if patterns[o].search(text) or _cued(o, text, patterns)), None)


def _cued(outcome: str, text: str, patterns: dict[str, re.Pattern]) -> bool:
    """Whether a cue decides the outcome given what the message is about: a fraud cue counts in this assistant's
    domain only ('들킬까요' in a story is no request), an advice or writing request only outside it, and social words
    only in a short message that neither asks nor requests anything ('translate "good morning"' is a request)."""
    in_domain = bool(patterns["domain"].search(text))
    if outcome == "harmful":
        return in_domain and bool(patterns["evasion"].search(text))
    if outcome == "out_of_scope":
        return not in_domain and bool(patterns["off_topic_request"].search(text))
    if outcome == "small_talk":
        short = len(text.split()) <= MAX_SOCIAL_WORDS
        asks = any(patterns[kind].search(text) for kind in ("asking", "out_of_scope", "off_topic_request"))
        return short and not in_domain and not asks and bool(patterns["social"].search(text))
    return False


def is_vague(tokens: list[str]) -> bool:
    """Whether a question's search tokens name nothing to search for ('지원금 최대 얼마까지 나와요?'); single
    Latin letters ('d' of "I'd") say nothing either."""
    return all(token in GENERIC or (len(token) == 1 and token.isascii()) for token in tokens)


def reply(outcome: str, language: str, examples: str = "") -> str:
    """The fixed reply of an outcome, in the question's language."""
    texts = REPLIES[outcome]
    return texts.get(language, texts["en"]).format(examples=examples)
