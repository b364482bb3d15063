"""Profile facts from a user's message: '경북, 제조업, 직원 45명', '창업 3년차', '50 employees in Busan'."""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable

from .numbers import numeric_values
from .profile import Profile, terms
from .tokens import Tokenizer

# Nouns a Korean place name may carry: '포항시', '경기도', '광주광역시', '전북특별자치도'.
_PLACE_SUFFIXES = ("특별자치도", "특별자치시", "특별시", "광역시", "시", "도", "군")
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)"
_EMPLOYEES = (
    re.compile(rf"(?:직원|종업원|근로자|임직원|인원|사원)\D{{0,8}}?{_NUMBER}\s*(?:명|인)"),
    re.compile(rf"{_NUMBER}\s*(?:명|인)\s*(?:규모|의\s*직원|직원|근무)"),
    re.compile(rf"{_NUMBER}\s+(?:full-time\s+)?(?:employees|staff|workers|people)\b", re.I),
    re.compile(rf"\b(?:employees|staff|headcount|workforce)\D{{0,12}}?{_NUMBER}\b", re.I),
)
# The amount that follows a word for sales: '매출 12억 원', 'annual revenue of 5 billion won'.
_REVENUE = (
    re.compile(r"(?:매출액?|연\s*매출)\D{0,8}?(\d[\d,.]*\s*(?:조|억|만|천)(?:\s*\d[\d,]*\s*(?:억|만|천))*)"),
    re.compile(r"(?:revenue|sales|turnover)\D{0,20}?(\d[\d,.]*\s*(?:trillion|billion|million)?)\s*(?:won|krw)?", re.I),
)
# English numbers written as words: 'a two-year-old company', 'founded four years ago'.
_NUMBER_WORDS = {w: n for n, w in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen".split()
)}
_WORD = "|".join(_NUMBER_WORDS)
_YEARS = (
    re.compile(r"(?:창업|설립|개업)\s*(\d{1,2})\s*년\s*차"),
    re.compile(r"업력\D{0,6}?(\d{1,2})\s*년"),
    re.compile(r"(?:창업|설립|개업)(?:\s*(?:한|된|하고|후))?\s*(?:지\s*)?(\d{1,2})\s*년"),
    re.compile(rf"\b(\d{{1,2}}|{_WORD})[\s-]*years?[\s-]+(?:in\s+business|old|since\s+(?:founding|we\s+started))", re.I),
    re.compile(rf"\b(?:founded|established|started)\s+(\d{{1,2}}|{_WORD})\s+years?\s+ago", re.I),
    re.compile(r"\b(\d{1,2})(?:st|nd|rd|th)\s+year\s+(?:in|of)\s+business", re.I),
)
_FOUNDED_IN = (
    re.compile(r"((?:19|20)\d\d)\s*년\s*(?:에\s*)?(?:창업|설립|개업)"),
    re.compile(r"\b(?:founded|established|started)\s+in\s+((?:19|20)\d\d)\b", re.I),
)
_TAX = re.compile(r"(체납|tax\s+arrears|unpaid\s+(?:national\s+|local\s+)?taxes|owe\s+(?:any\s+)?taxes)", re.I)
_NEGATION = re.compile(r"없|않|아니|안\s|\b(?:no|not|never|without|don't|do\s+not|none)\b", re.I)
_RECEIVED = re.compile(
    r"(받은\s*적이?\s*있|받았|지원받|수혜|already\s+(?:received|got|had)|have\s+received|received\s+.*\bbefore\b)", re.I
)
# A city, county or province as the one asking ('수원시도 … 신청할 수 있나요', '전주시인데', 'Can Incheon Metropolitan
# City apply'), not as a company's location ('수원시에 있는 회사').
_LOCAL_GOVERNMENT = (
    re.compile(r"[가-힣]{2,}(?:특별자치시|특별자치도|특별시|광역시|시|군|도)(?:인데|입니다|이에요|예요|도\s|는\s|가\s|청)"),
    re.compile(r"(?:^|\b[Cc]an\s+|\b[Dd]oes\s+)(?:the\s+)?[A-Z]\w+\s+(?:Metropolitan\s+City|City|Province|County)\b"),
)
# The user speaking of their own organisation: '저희는 강원도 지자체입니다', 'our county government'.
OWN = re.compile(r"우리|저희|제가|내가|당사|우리\s*회사|\b(?:we|our|my|i|us)\b|\b(?:wir|unser\w*|mein\w*|ich)\b", re.I)
# A kind of applicant said of the one writing, right after its name: '지자체인데', '지자체입니다'.
_IS = re.compile(r"(?:인데|입니다|이에요|예요|이고|이며)")
_COMPANY = re.compile(r"회사|기업|업체|스타트업|공장|\b(?:company|firm|business|startup|factory|manufacturer)\b", re.I)
# 'a small software company': a size word one word away from what it sizes.
_SMALL = re.compile(r"\bsmall\s+(?:\w+\s+)?(?:company|business|firm|enterprise|manufacturer)\b", re.I)
_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+|(?<=[다요])\s*[,.]\s*")


class ProfileReader:
    """Reads the profile facts a message states; a fact it does not find stays unknown."""

    def __init__(
        self,
        tokenizer: Tokenizer,
        name_programs: Callable[[str], tuple[str, ...]] = lambda text: (),
        today: datetime.date | None = None,
    ) -> None:
        self._tokenizer = tokenizer
        self._name_programs = name_programs
        self._year = (today or datetime.date.today()).year

    def read(self, text: str) -> Profile:
        facts: dict[str, object] = {}
        nouns = self._nouns(text)
        for name in ("applicant", "region", "sector", "size_class", "certifications"):
            codes = _codes_stated(text, nouns, name)
            if codes:
                facts[name] = codes if name == "certifications" else codes[0]
        # A kind of applicant other than a company is the writer's only when they say so ('저희는 강원도 지자체입니다');
        # '기초지자체도 신청할 수 있어요?' and '지자체 신청 마감은 언제예요?' ask about others, from a company.
        applicant = facts.get("applicant", "company")
        if applicant != "company" and not (OWN.search(text) or _says_it_is(text, applicant)):
            del facts["applicant"]
        if "size_class" not in facts and _SMALL.search(text):
            facts["size_class"] = "small"
        if "applicant" not in facts and any(p.search(text) for p in _LOCAL_GOVERNMENT) and not _COMPANY.search(text):
            facts["applicant"] = "local_government"
        for key, value in (
            ("employees", _first_number(_EMPLOYEES, text)),
            ("revenue_krw", _revenue(text)),
            ("years_in_business", self._years(text)),
            ("tax_arrears", _tax_arrears(text)),
            ("received_support", self._received(text)),
        ):
            if value is not None:
                facts[key] = value
        return Profile(**facts)

    def _nouns(self, text: str) -> set[str]:
        """Kiwi's proper and common nouns, each also without a place suffix ('포항시' → '포항')."""
        nouns: set[str] = set()
        for morpheme in self._tokenizer.morphemes(text):
            if morpheme.tag in {"NNP", "NNG"}:
                nouns.add(morpheme.form)
                nouns.update(morpheme.form[: -len(s)] for s in _PLACE_SUFFIXES if morpheme.form.endswith(s))
        return nouns

    def _years(self, text: str) -> float | None:
        years = _first_number(_YEARS, text)
        if years is not None:
            return float(years)
        for pattern in _FOUNDED_IN:
            if match := pattern.search(text):
                return float(max(self._year - int(match.group(1)), 0))
        return None

    def _received(self, text: str) -> tuple[str, ...] | None:
        """Programs the message says the company already received ('스마트공장 지원을 받은 적이 있어요')."""
        found: list[str] = []
        for sentence in _SENTENCE.split(text):
            if _RECEIVED.search(sentence) and not _NEGATION.search(sentence):
                found.extend(self._name_programs(sentence))
        return tuple(dict.fromkeys(found)) or None


def _codes_stated(text: str, nouns: set[str], name: str) -> tuple[str, ...]:
    """The codes of one field the text states, the longest term's first ('small and medium' before 'medium'). A term
    inside a longer term that is also found does not count ('소기업' in '중소기업')."""
    squashed = "".join(text.split())
    found = [
        (code, term) for field_name, code, language, term in terms().terms
        if field_name == name and (
            term in nouns if language == "ko" and name == "region"
            else "".join(term.split()) in squashed if language == "ko"
            else re.search(rf"(?<![\w-]){re.escape(term)}s?(?![\w-])", text, re.I) is not None
        )
    ]
    kept = [(code, term) for code, term in found if not any(term != other and term in other for _, other in found)]
    return tuple(dict.fromkeys(code for code, term in sorted(kept, key=lambda pair: -len(pair[1]))))


def _says_it_is(text: str, applicant: str) -> bool:
    """Whether a Korean text says the writer is that kind of applicant: one of its terms, then a copula."""
    squashed = "".join(text.split())
    return any(
        _IS.match(squashed, found.end())
        for field_name, code, language, term in terms().terms
        if field_name == "applicant" and code == applicant and language == "ko"
        for found in re.finditer(re.escape("".join(term.split())), squashed)
    )


def _first_number(patterns: tuple[re.Pattern, ...], text: str) -> int | None:
    for pattern in patterns:
        if match := pattern.search(text):
            number = match.group(1).replace(",", "").lower()
            return _NUMBER_WORDS[number] if number in _NUMBER_WORDS else int(number)
    return None


def _revenue(text: str) -> int | None:
    for pattern in _REVENUE:
        if match := pattern.search(text):
            values = numeric_values(match.group(1))
            if values:
                return int(max(values))
    return None


def _tax_arrears(text: str) -> bool | None:
    for sentence in _SENTENCE.split(text):
        if _TAX.search(sentence):
            return not _NEGATION.search(sentence)
    return None
