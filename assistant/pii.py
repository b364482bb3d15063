"""Personal data in users' chat messages, found before a message is logged, stored or echoed.

Regex-based and deliberately narrow: a missed finding is bad, but masking a notice number, an amount or the SME
call centre (1357) would garble the questions the assistant exists to answer. Business registration numbers are
public identifiers of companies, not people: they are recognised (find_business_numbers) and never masked.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Finding:
    kind: str  # rrn | phone | email | card | account
    start: int
    end: int


LABELS = {
    "ko": {"rrn": "[주민등록번호]", "phone": "[전화번호]", "email": "[이메일]", "card": "[카드번호]", "account": "[계좌번호]"},
    "en": {"rrn": "[resident registration number]", "phone": "[phone number]", "email": "[e-mail]",
           "card": "[card number]", "account": "[account number]"},
}
# When two kinds claim exactly the same span, the more specific pattern names it (it is masked either way).
_PRIORITY = ("rrn", "card", "phone", "account", "email")

# Every number pattern refuses to start or end inside a longer digit run or hyphenated number, so that a piece of
# one number ('제2025-649호', '2026-01-05', an account) is never read as another.
_NOT_AFTER = r"(?<!\d)(?<!\d-)"
_NOT_BEFORE = r"(?!\d)(?!-\d)"

# 주민등록번호 / 외국인등록번호: YYMMDD, optional '-' or space, then 7 digits; the 7th digit (1-8) gives sex, century
# and nationality. The checksum is not required (people mistype it), so the date is what tells it from any 13 digits.
_RRN = re.compile(_NOT_AFTER + r"(\d{2})(\d{2})(\d{2})[- ]?([1-8])\d{6}" + _NOT_BEFORE)
_CENTURY = {"1": 1900, "2": 1900, "5": 1900, "6": 1900, "3": 2000, "4": 2000, "7": 2000, "8": 2000}

# Phones always start with 0 (or +82), which is what keeps 1357, 1811-3655, years, amounts and dates out.
# Mobiles may be written without separators (01012345678); landlines need them, as ten bare digits starting with
# 0 are as likely any other code. 070 (internet phones) is a personal line as much as a landline is.
_SEP = r"[-. ]?"
_PHONE = re.compile(
    _NOT_AFTER + r"(?<!\d[.])(?:"
    r"01[016789]" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}"
    r"|(?:\(0(?:2|[3-6]\d|70)\) ?|0(?:2|[3-6]\d|70)[-. ])\d{3,4}[-. ]\d{4}"
    r"|\+82[-. ]?(?:\(0\))?0?(?:1[016789]|2|[3-6]\d|70)" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}"
    r")" + _NOT_BEFORE
)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")

# Card numbers as printed on cards: 4-4-4-4(-3), Amex 4-6-5 and Diners 4-6-4 with one separator throughout, or
# 13-19 bare digits; the Luhn check then rejects almost every other number of that shape.
_CARD = re.compile(
    r"(?<!\d)(?:\d{4}([ -]?)\d{4}\1\d{4}\1\d{4}(?:\1\d{3})?|\d{4}([ -]?)\d{6}\2\d{4,5}|\d{13,19})" + _NOT_BEFORE
)

# Korean account numbers have no common shape (3-6-5, 6-2-6, 4-3-6 ...), so the shape is loose and the words just
# before it must say it is an account. Bare bank words ('국민', '신한') are kept as people write them that way;
# '우리'/'하나' only with 은행, as alone they are ordinary words ('we', 'one').
_ACCOUNT = re.compile(_NOT_AFTER + r"\d+(?:-\d+){1,3}" + _NOT_BEFORE)
_ACCOUNT_WORDS = re.compile(
    r"계좌|통장|은행|뱅크|입금|송금|국민|신한|농협|우체국|새마을|신협|수협|KB|IBK|NH|account|acct|bank|a/c",
    re.IGNORECASE,
)
_ACCOUNT_CONTEXT = 15
_ACCOUNT_DIGITS = range(10, 15)

# 사업자등록번호: ddd-dd-ddddd; the first three digits are a tax office code (101-999), the last a checksum.
_BUSINESS = re.compile(r"(?<![\d-])([1-9]\d{2})[- ]?(\d{2})[- ]?(\d{5})" + _NOT_BEFORE)
_BUSINESS_WEIGHTS = (1, 3, 7, 1, 3, 7, 1, 3, 5)

_HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")


def _plausible_birth_date(yy: str, mm: str, dd: str, code: str) -> bool:
    try:
        datetime.date(_CENTURY[code] + int(yy), int(mm), int(dd))
    except ValueError:
        return False
    return True


def _luhn(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = int(ch) * (2 if i % 2 else 1)
        total += d - 9 if d > 9 else d
    return total % 10 == 0


def _business_checksum(digits: str) -> bool:
    total = sum(int(d) * w for d, w in zip(digits, _BUSINESS_WEIGHTS))
    total += int(digits[8]) * 5 // 10
    return (10 - total % 10) % 10 == int(digits[9])


def _business_spans(text: str) -> list[tuple[int, int, str]]:
    spans = []
    for m in _BUSINESS.finditer(text):
        digits = "".join(m.groups())
        if _business_checksum(digits):
            spans.append((m.start(), m.end(), f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"))
    return spans


def find_business_numbers(text: str) -> list[str]:
    """Business registration numbers with a valid checksum, normalised to ddd-dd-ddddd, in order of appearance."""
    return [number for _, _, number in _business_spans(text)]


def _candidates(text: str) -> list[Finding]:
    found = []
    for m in _RRN.finditer(text):
        if _plausible_birth_date(*m.groups()):
            found.append(Finding("rrn", m.start(), m.end()))
    found += [Finding("phone", m.start(), m.end()) for m in _PHONE.finditer(text)]
    found += [Finding("email", m.start(), m.end()) for m in _EMAIL.finditer(text)]
    for m in _CARD.finditer(text):
        if _luhn(re.sub(r"\D", "", m.group())):
            found.append(Finding("card", m.start(), m.end()))
    for m in _ACCOUNT.finditer(text):
        digits = sum(ch.isdigit() for ch in m.group())
        before = text[max(0, m.start() - _ACCOUNT_CONTEXT):m.start()]
        if digits in _ACCOUNT_DIGITS and _ACCOUNT_WORDS.search(before):
            found.append(Finding("account", m.start(), m.end()))
    return found


def _overlaps(a_start: int, a_end: int, b_start: int, b_end: int) -> bool:
    return a_start < b_end and b_start < a_end


def find_personal_data(text: str) -> list[Finding]:
    """Personal data in the text, in order, without overlaps (the longer finding wins, then the more specific kind)."""
    business = _business_spans(text)
    # A business number must never be masked as something else; an e-mail address around one is still an e-mail.
    candidates = [
        f for f in _candidates(text)
        if f.kind == "email" or not any(_overlaps(f.start, f.end, s, e) for s, e, _ in business)
    ]
    candidates.sort(key=lambda f: (f.start - f.end, _PRIORITY.index(f.kind), f.start))
    kept: list[Finding] = []
    for f in candidates:
        if not any(_overlaps(f.start, f.end, k.start, k.end) for k in kept):
            kept.append(f)
    return sorted(kept, key=lambda f: f.start)


def mask(text: str) -> tuple[str, tuple[str, ...]]:
    """The text with each finding replaced by a label in the text's language, and the kinds found (first-seen order)."""
    findings = find_personal_data(text)
    labels = LABELS["ko" if _HANGUL.search(text) else "en"]
    parts, last = [], 0
    for f in findings:
        parts += [text[last:f.start], labels[f.kind]]
        last = f.end
    parts.append(text[last:])
    return "".join(parts), tuple(dict.fromkeys(f.kind for f in findings))
