"""What an assistant's answer introduces, for the follow-ups that lean on it: the things it lists, which '두 번째 건'
points into, and the thing it says exists (asked '정책자금에 화장품 회사용 상품도 있어요?', the answer '케이뷰티론이
있으며 …' introduces 케이뷰티론, and '금리는 몇프로에요?' asks about it)."""

from __future__ import annotations

import re

from .chunking import FOOTNOTE
from .text import unbracketed
from .tokens import Tokenizer

# A question whether something exists: '… 상품도 있어요?', 'Is there a loan for …?', 'Gibt es … etwas für …?'
# ('신청할 수 있어요?' asks whether one may).
_ASKS_IF_THERE_IS = re.compile(
    r"(?<!수)(?<!수\s)있(?:어요|나요|습니까|을까요|는지요?|니|어)\s*[?？]*\s*$|\b(?:is|are)\s+there\b|\bgibt\s+es\b|\bdo(?:es)?\s+\w+(?:\s+\w+)?\s+have\b",
    re.I,
)
_BULLET = re.compile(r"^\s*(?:[-*•·▪◦]\s+|\d{1,2}[.)]\s+|[①-⑳]\s*)")
# Commas between items, not inside a number ('1,400억').
_ENUMERATION = re.compile(r"\s*(?:,(?!\d)|[;、])\s*(?:(?:and|und|or|oder|그리고|및)\s+)?|\s+(?:and|und|or|oder|및)\s+", re.I)
# What comes before a list in the sentence that lists: '세부사업은 A, B, C입니다', 'The calls are A, B and C'.
_LIST_LEAD = re.compile(r"^.*(?:[은는]\s|:\s*|\b(?:are|include|includes|including|sind|umfasst)\s+)", re.I)
_ANNOUNCED = re.compile(r":\s+([^:]+)$")
_FIRST_SENTENCE = re.compile(r"^.*?(?:[.!?](?=\s|$)|다\.|$)", re.S)
_OPENING = re.compile(r"^\s*(?:네|예|있습니다|yes|ja)\b[\s,.:;!]*", re.I)
_QUOTED = re.compile(r"['‘\"“「『]([^'’\"”」』]{2,60})['’\"”」』]")
# The thing said to exist, before 이/가 and 있다 or a word of providing: '케이뷰티론이 있으며', 'X가 마련되어'; with
# the word before it unless that word ends in a particle ('스타트업 특례보증이', not '기업에는 특례보증이').
_KOREAN_SUBJECT = re.compile(r"((?:[^\s,.:;]*[^\s,.:;은는을를에의도로와과서]\s)?[^\s,.:;]+?)(?:이|가)\s*(?:있|마련|운영|신설)")
# A name in English or German: capitalised words after the first ('the Smart Factory Basic track'), hyphenated
# parts kept together ('AX-Sprint-Schiene', 'K-beauty').
_LATIN_NAME = re.compile(r"(?<=\s)[A-Z][\w&.]*(?:-[\w&.]+)*(?:\s+[A-Z][\w&.]*(?:-[\w&.]+)*)*")


def asks_if_there_is(question: str) -> bool:
    """Whether a question asks if something exists, so that its answer names the thing the next turn is about."""
    return bool(_ASKS_IF_THERE_IS.search(question.strip()))


def introduced(reply: str) -> str:
    """The thing an answer's first sentence says exists: a quoted name, the Korean subject of '있다', or the first
    Latin-script name; '' when it names none."""
    first = _FIRST_SENTENCE.match(_OPENING.sub("", FOOTNOTE.sub("", reply).strip(), count=1))
    sentence = first.group(0) if first else ""
    for pattern in (_QUOTED, _KOREAN_SUBJECT):
        if found := pattern.search(sentence):
            return found.group(1).strip()
    found = _LATIN_NAME.search(f" {sentence}")
    return found.group(0) if found else ""


def listed(reply: str, tokenizer: Tokenizer) -> list[str]:
    """The things an answer lists, in order: its bullet or numbered lines, the first cells of its table rows, or the
    parts of its sentence with the most commas and conjunctions ('A, B 그리고 C', '유형과 지역산업 …')."""
    lines = [line.strip() for line in FOOTNOTE.sub("\n", reply).splitlines() if line.strip()]
    bullets = [_BULLET.sub("", line) for line in lines if _BULLET.match(line)]
    if len(bullets) >= 2:
        return bullets
    rows = [line.split("|")[0].strip() for line in lines if "|" in line]
    if len(rows) >= 2:
        return rows
    # A list announced with a colon ('… specialised industry: Gyeongbuk (…), Jeonnam (…) and Jeonbuk (…)') is the
    # one listed, however many commas another sentence has.
    announced = [_split(found.group(1), tokenizer) for line in lines if (found := _ANNOUNCED.search(line))]
    parts = [p for p in announced if len(p) >= 2] or [_split(line, tokenizer) for line in lines]
    items = [item.strip(" .") for item in max(parts, key=len, default=[])]
    if items:
        items[0] = _LIST_LEAD.sub("", items[0])
    return [item for item in items if item] if len(items) >= 2 else []


def _split(text: str, tokenizer: Tokenizer) -> list[str]:
    """A text cut at its commas, conjunctions and Korean conjunctive particles, without what it says in brackets."""
    return [p for part in _ENUMERATION.split(unbracketed(text)) for p in _conjoined(part, tokenizer)]


def _conjoined(text: str, tokenizer: Tokenizer) -> list[str]:
    """A text cut at its Korean conjunctive particles ('유형과 지역산업' → '유형', '지역산업'; Kiwi's JC, so not
    '성과')."""
    pieces, start = [], 0
    for m in tokenizer.morphemes(text):
        if m.tag == "JC":
            pieces.append(text[start:m.start])
            start = m.start + len(m.form)
    return [*pieces, text[start:]]
