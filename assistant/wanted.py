"""What kind of value a question asks for, and whether a sentence holds one: a deadline is answered by a date, an
interest rate by a percentage, 'how many' by a number. The reader's model scores how well a sentence answers; this
keeps it from quoting a sentence that cannot be the answer ('신청 마감은 언제예요?' answered with who may apply).

A check, not a scorer: it only drops candidate sentences, and it errs on the side of keeping them (any number
answers 'how much', a duration or a season answers 'when'), since a sentence it drops wrongly costs an answer.
"""

from __future__ import annotations

import re

_ASKS = {
    # 'when' as the question word ('When will …', 'by when'), not as a conjunction ('what to submit when applying').
    "date": re.compile(
        r"언제|^\W*(?:and\s+|so\s+|but\s+)?when\b|\b(?:by|since|until|till)\s+when\b"
        r"|\bwhen\s+(?:is|was|are|were|will|would|does|did|do|can|could|should|must|has|have)\b"
        r"|which year|\bwann\b|welche[ms]? jahr|기한|deadline|\bfrist",
        re.I,
    ),
    # A closing day or a date: a year alone does not give it ('2025년 … 사업' names the program, not when its call
    # closes). A deadline may be a year ('deadline for the target: 2030'), so it only wants a date.
    "day": re.compile(r"며칠|마감|날짜|what date|closing date|stichtag|datum", re.I),
    # A rate asked for itself ('금리는요?', 'what is the interest rate'), not named as a topic ('금리 우대는 누가 받아요?').
    "share": re.compile(
        r"퍼센트|몇\s*(?:프로|%)|비율|비중|percent|percentage|what share|prozent|\banteil"
        r"|(?:금리|이율|이자율|이자)(?:은|는|이|가|를|도)?\s*(?:요|몇|얼마|어떻게|[?？]|$)"
        r"|(?:what(?:'s| is| was| are)?|how high is|wie hoch ist|welche[nr]?)\s+(?:the\s+|der\s+|die\s+)?"
        r"(?:\w+\s+){0,2}(?:interest\s+)?rates?\b|zinssatz",
        re.I,
    ),
    "count": re.compile(r"몇\s*(?:개|곳|명|건|가지|군데|팀|기업|회사|번)|how many|wie viele", re.I),
    "amount": re.compile(r"얼마|금액|how much|wie viel(?!e)|wie hoch", re.I),
    # Sums of money: an amount asked of a budget, a grant or a loan ('총사업비는 얼마', 'how much can one company
    # get', 'wie hoch ist der Zuschuss'), not of an area, a duration or a rate.
    "money": re.compile(
        r"(?:예산|사업비|지원금|보조금|출연금|국비|지방비|도비|시비|금액|지원액|융자|대출|자금|상금|바우처|투자|돈)"
        r"\w*\s*(?:\w+\s*){0,2}(?:얼마(?!\s*(?:동안|간))|몇\s*억)|얼마(?!\s*(?:동안|간))(?:를|가|나|까지|씩|의)?\s*(?:\w+\s*)?"
        r"(?:지원(?:받|하|해|돼|되)|받|지급|빌|대출|투입|들어가|드나|드는|내야|부담|줘|주나|투자)|몇\s*(?:억|천만|백만|만\s*원|달러|유로|엔)"
        r"|how much (?:money|funding|\S+ money|(?:\w+ )?(?:support|grant|subsidy|aid) (?!\w+ (?:of|in) )|(?:\w+ )?(?:can|will|does|do|did|is|are|was|were) "
        r"(?:\w+ ){0,4}(?:get|receive|borrow|invest|spend|pay|cost|earn)|(?:is|was) (?:\w+ ){0,4}(?:budgeted|invested|spent|paid|"
        r"allocated|earmarked|lent|granted))"
        r"|how (?:big|large) is (?:the|this|that) (?:\w+ ){0,4}(?:fund|budget)"
        r"|wie viel (?:geld|euro|won)|wie viel (?:\w+ ){0,5}(?:bekommen|erhalten|bezahlen|zahlen|kosten|leihen|investier\w*|ausgeben)\b"
        r"|wie hoch (?:ist|sind|war|waren) (?:\w+ ){0,3}(?:\w*zuschuss|\w*förderung|\w*budget|\w*betrag|summe|\w*kredit"
        r"|darlehen|\w*fonds|investition|mittel)",
        re.I,
    ),
    # How long something lasts ('최대 몇 년까지', 'how long', 'repayment period'): a number of years, months, weeks.
    "duration": re.compile(
        r"몇\s*(?:년|개월|달(?!러)|주)(?!도)|얼마\s*(?:동안|간)|(?:상환|거치|대출|융자|지원|협약)\s*기간(?:은|이)?\s*(?:얼마|몇|어떻게)"
        r"|how long|how many (?:years|months|weeks)|(?:repayment|loan|grace|support|contract) (?:period|term)\b"
        r"|wie lange|wie viele (?:jahre|monate|wochen)|laufzeit",
        re.I,
    ),
    # Which regions or cities ('5곳은 어디어디예요?', 'which two regions'), not where to apply or which country.
    # Where something is built or sited ('어디에 짓나요', 'where will it be built') is a place too.
    "place": re.compile(
        r"어디어디|어느\s*(?:지역|도시|지자체|시도|시·도|광역)|(?:지역|도시|지자체|입지|부지|후보지)(?:은|는|이|가|들은|들이)?\s*어디"
        r"|어디(?:에|에다)?\s*(?:지어|짓|건설|조성|들어서|생기|세워|세우|설립|입지)"
        r"|\bwhere\b(?:\W+\w+){0,8}?\W+(?:built|located|sited|constructed|set up)\b"
        r"|\bwo\b(?:\W+\w+){0,8}?\W+(?:gebaut|errichtet|entstehen|entsteht|angesiedelt|gelegen)\b"
        r"|\bwhich (?:\w+ )?(?:regions?|cities|city|provinces?|municipalities|local governments)\b"
        r"|welche[nrs]? (?:\w+ )?(?:regionen|städte|stadt|bundesländer|provinzen|kommunen)\b",
        re.I,
    ),
    "phone": re.compile(
        r"전화\s*번호|전화는|연락처\s*(?:번호|는|가)|콜센터\s*번호|phone|hotline|call cent(?:er|re) number|telefon|rufnummer",
        re.I,
    ),
    "address": re.compile(
        r"(?:웹|홈페이지|누리집|사이트|인터넷)\s*주소|url|web\s*address|website address|internet\s*address|internetadresse"
        r"|webadresse|web-adresse",
        re.I,
    ),
}
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?"
    r"|nov(?:ember)?|dec(?:ember)?|januar|februar|märz|mai|juni|juli|oktober|dezember"
)
# A point or stretch of time: years, months, days, dates written with dots, seasons, durations, 'year-round'. A
# month's name counts next to a number or after a preposition ('14 August', 'in May'), not as a verb ('who may apply').
_TIME = re.compile(
    rf"\d{{4}}\s*년|\d{{1,2}}\s*(?:월|일)|'\d{{2}}\b|\b(?:19|20)\d{{2}}\b|\d{{1,2}}\.\s*\d{{1,2}}\."
    rf"|(?:\d\.?\s*|\b(?:in|by|until|till|from|since|end of|early|late|mid-?|im|bis|ab|seit|ende)\s+)(?:{_MONTHS})\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d"
    r"|상반기|하반기|분기|연중|수시|상시|\bQ[1-4]\b|year-round|quarter|quartal|\d+\s*(?:년|개월|주|시간)"
    # News dates relative to the day it was written: '올해', 'next year', 'letzte Woche', 'on Monday'.
    r"|올해|내년|지난해|작년|금년|이번\s*달|다음\s*달|지난달|오늘|어제|내일|이달|연말|연초"
    r"|\b(?:this|next|last)\s+(?:year|month|week)\b"
    r"|\b(?:today|yesterday|tomorrow|(?:mon|tues|wednes|thurs|fri|satur|sun)day)\b"
    r"|\b(?:dieses|nächste[ns]?|letzte[ns]?|vorige[ns]?)\s+(?:jahr|monat|woche)\b|\b(?:heute|gestern|morgen)\b"
    r"|\b(?:montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\b"
    r"|\d+\s*(?:years?|months?|weeks?|days?|jahre?n?|monate?n?|wochen?|tage?n?)\b",
    re.I,
)
_SHARE = re.compile(
    r"%|퍼센트|\d\s*프로|percent|prozent|\d\s*할\b|절반|\bhalf\b|hälfte|\d\s*분의\s*\d|\b(?:a|one)\s+(?:third|quarter|fifth)\b"
    r"|\bdrittel|\bviertel|\bfünftel",
    re.I,
)
_YEAR = re.compile(r"(?<!\d)(?:19|20)\d{2}(?!\d)(?:\s*년도?)?")
_NUMBER_WORD = re.compile(
    r"\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|dozens?|hundreds?|thousands?|several"
    r"|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|hundert|tausend|mehrere|doubled?|tripled?"
    r"|verdoppel\w*|verdreifach\w*)\b|(?:두|세)\s*배"
    r"|(?:한|두|세|네|다섯|여섯|일곱|여덟|아홉|열|수십|수백|수천|여러)\s*(?:개|곳|명|건|가지|군데)",
    re.I,
)


_MASK = re.compile(r"\[[^\[\]]*\]")
# Which coarser kinds a finer one replaces. A rate asked with '얼마' ('금리를 얼마나 낮게 받나요') is a share, not a
# sum of money.
_FINER = {"day": {"date"}, "money": {"amount"}, "duration": {"count", "amount"}, "share": {"money"}, "place": {"count"}}


def wanted(question: str) -> frozenset[str]:
    """The kinds of value a question asks for: 'date', 'day', 'share', 'count', 'amount', 'money', 'duration',
    'place', 'phone', 'address' (none for most questions). A closing date asked with 'when' ('마감은 언제예요?') wants the
    day, a sum of money asked with '얼마' wants money, not any number."""
    question = _MASK.sub(" ", question)  # '[전화번호]' is what was masked out of the turn, not what it asks
    kinds = {kind for kind, pattern in _ASKS.items() if pattern.search(question)}
    # The finer kind replaces the coarser one it is a case of: any number would pass as 'amount'.
    for finer, coarser in _FINER.items():
        if finer in kinds:
            kinds -= coarser
    return frozenset(kinds)


# A sentence announcing what follows ('… 참여기업 모집을 다음과 같이 공고합니다', 'as follows'): its numbers name
# the program and its legal basis; the values it announces come after it.
_ANNOUNCES = re.compile(r"(?:다음|아래)과\s*같이|as\s+follows|wie\s+folgt", re.I)


def holds(sentence: str, kinds: frozenset[str], names: frozenset[str] = frozenset()) -> bool:
    """Whether a sentence holds a value of one of the kinds asked for (any sentence, when none is asked); names: its
    proper nouns (Kiwi's), for a place the lists below do not know ('러시아', '분설담')."""
    if not kinds:
        return True
    if _ANNOUNCES.search(sentence):
        return False
    return any(_place(sentence, names) if kind == "place" else _HOLDS[kind](sentence) for kind in kinds)


def _place(sentence: str, names: frozenset[str]) -> bool:
    return bool(_PLACE.search(sentence)) or any("가" <= name[:1] <= "힣" for name in names)


# Numbers that name rather than count: a date ('9 May', '3월 31일', '2026. 1. 7.'), an ordinal or a stage ('1호', '2차',
# '3단계', '2nd'), a law's article ('제12조'), a number in a name ('advanced-1', 'RE100'), a percentage.
_NAMING_NUMBER = re.compile(
    rf"\d{{1,2}}\s*(?:월|일)|\d{{1,2}}\.\s*\d{{1,2}}\.|\b\d{{1,2}}\s+(?:{_MONTHS})\b|\b(?:{_MONTHS})\.?\s+\d{{1,2}}\b"
    r"|제\s*\d+\s*[조항호]|\d+\s*(?:호|차|단계|번째|위)(?![가-힣])|\b\d+(?:st|nd|rd|th)\b|(?<=[A-Za-z])-?\d+"
    r"|\d[\d.,]*\s*(?:%|퍼센트|percent|prozent)",
    re.I,
)


def _counts(sentence: str) -> bool:
    """A number that counts things: not a year, a date, an ordinal or a number in a name."""
    return _number(_NAMING_NUMBER.sub(" ", _YEAR.sub(" ", sentence)))


def _number(sentence: str) -> bool:
    """A number other than a year, or a number written as a word ('two regions', '세 곳')."""
    return any(ch.isdigit() for ch in _YEAR.sub(" ", sentence)) or bool(_NUMBER_WORD.search(sentence))


def _day(sentence: str) -> bool:
    """A time finer than a year: a date, a month, a season, a duration, 'next month', '수시'."""
    return bool(_TIME.search(_YEAR.sub(" ", sentence)))


# A sum of money: a currency, or a number in won's units; a table row may hold its unit in its header instead.
_MONEY = re.compile(
    r"(?:\d|억|조|만|천|백)\s*원|₩|\bwon\b|krw|\$|달러|dollars?\b|유로|euros?\b|€|엔\b|\byen\b|위안|yuan|파운드|£|냥"
    r"|\d\s*(?:억|조|천만|백만)|\d\s*(?:billion|trillion|million|mrd|milliarden?|mio|millionen?)\b",
    re.I,
)
# A length of time: a number of years, months, weeks or days (not a year, not 'this year').
_DURATION = re.compile(
    r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn)"
    r"|한|두|세|네|다섯|여섯|일곱|여덟|아홉|열)\s*(?:년|개월|달|주|일간"
    r"|(?:(?:or|and|to|oder|bis)\s+(?:more|longer|\w+)\s+)?(?:years?|months?|weeks?|jahre?n?|monate?n?|wochen)\b)",
    re.I,
)
_PHONE = re.compile(r"\d{2,4}\)?[-.\s]\d{3,4}[-.\s]\d{4}|\b1\d{3}(?:-\d{4})?\b|☎|☏|\b\d{4}-\d{4}\b")
_ADDRESS = re.compile(r"https?://|www\.|\b[\w-]+\.(?:go\.kr|or\.kr|co\.kr|kr|com|org|net|de)\b", re.I)


# A number that counts things ('4개 질환', '30 projects'): in a table row, not a sum or a length of time whose unit
# the header holds.
_COUNTED = re.compile(
    r"\d[\d,.]*\s*(?:개|곳|명|건|종|가지|호|차|위|개사|개소|개국|개월|년|\s*(?:projects?|companies|firms|zones?|sites?"
    r"|factories|people|Projekte|Unternehmen|Firmen))",
    re.I,
)


def _table_number(sentence: str) -> bool:
    return "|" in sentence and _number(_COUNTED.sub(" ", _YEAR.sub(" ", sentence)))


# A region or a city: Korea's wide regions ('동남권'), a Korean city, county or district ('아산시', not '도시'),
# English and German names, a capitalised word after 'in'; Korean regions are Kiwi's proper nouns (holds' names),
# since their short forms hide inside other words ('대전환').
_PLACE = re.compile(
    r"(?:수도|동남|대경|호남|충청|강원|제주|영남|중부|서남|동북)권|[가-힣]{2,4}(?:(?<!도)시|군|구)(?:[와과의에은는이가도를을로다])?(?![가-힣])"
    r"|\b(?:seoul|busan|daegu|incheon|gwangju|daejeon|ulsan|sejong|gyeonggi|gangwon|chungbuk|chungnam|jeonbuk|jeonnam"
    r"|gyeongbuk|gyeongnam|jeju|chungcheong\w*|jeolla\w*|gyeongsang\w*|honam|yeongnam|capital region|metropolitan area"
    r"|hauptstadtregion)\b|\b(?:in|at|near|im|bei)\s+(?-i:[A-Z][a-z]+)",
    re.I,
)

_HOLDS = {
    "date": lambda s: bool(_TIME.search(s)),
    "day": _day,
    "share": lambda s: bool(_SHARE.search(s)),
    "count": _counts,
    "amount": _number,
    "money": lambda s: bool(_MONEY.search(s)) or _table_number(s),
    "duration": lambda s: bool(_DURATION.search(_YEAR.sub(" ", s))) or _table_number(s),
    "phone": lambda s: bool(_PHONE.search(s)),
    "address": lambda s: bool(_ADDRESS.search(s)),
}
