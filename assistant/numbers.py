"""Numbers as values, whatever language wrote them: '4,000억 원', '400 billion won' and '400 Milliarden' agree."""

from __future__ import annotations

import re

_KOREAN_UNITS = {"조": 10**12, "억": 10**8, "만": 10**4, "천": 10**3}
_WORD_UNITS = {
    "thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12,
    "tausend": 10**3, "millionen": 10**6, "milliarde": 10**9, "milliarden": 10**9, "billionen": 10**12,
}
# A number with an optional unit right after it: Korean unit syllable, or an English/German scale word.
_TERM = re.compile(
    r"(?P<n>\d+(?:,\d{3})*(?:\.\d+)?)\s*(?:(?P<ko>[조억만천])|(?P<word>thousand|million|billion|trillion"
    r"|tausend|millionen|milliarden|milliarde|billionen)\b)?",
    re.IGNORECASE,
)


def numeric_values(text: str) -> set[float]:
    """Every number in the text as a value; Korean unit runs ('1조 1,347억', '1만 2,000') add up to one value.

    'billion' is read the English way (10^9); German 'Milliarden'/'Billionen' are 10^9/10^12.
    """
    values: set[float] = set()
    run_value, run_unit, run_end = 0.0, None, -1
    for match in _TERM.finditer(text):
        number = float(match.group("n").replace(",", ""))
        korean, word = match.group("ko"), (match.group("word") or "").lower()
        # Only spaces between two terms continue an amount ('67조 [1]' and '67조, 2026' do not).
        adjacent = run_unit is not None and not text[run_end:match.start()].strip()
        if korean == "조" and text[max(0, match.start() - 1):match.start()] == "제":
            values.add(number)  # '제67조' is Article 67 of a law, not 67 trillion
            run_unit = None
            continue
        if korean:
            unit = _KOREAN_UNITS[korean]
            # '1조 1,347억': a smaller unit right after a larger one continues the same amount.
            if adjacent and unit < run_unit:
                run_value += number * unit
            else:
                run_value = number * unit
            run_unit, run_end = unit, match.end()
            values.add(run_value)
            continue
        if adjacent and run_unit == _KOREAN_UNITS["만"] and number < 10**4:
            values.add(run_value + number)  # '1만 2,000' = 12,000, but '67조 2026년' is two numbers
        run_unit = None
        values.add(number * _WORD_UNITS.get(word, 1))
    return values


# A year: four digits from 1900 to 2099 that are not part of a larger number ('1,2020') or an amount or count
# ('2000만 원', '2024개'); a range ('2022~2024년', '2024-26', 'from 2022 to 2025') names every year in it.
_YEAR = re.compile(
    r"(?<!\d)(?<!\d[,.])((?:19|20)\d{2})(?!\d|,\d{3}|\s*(?:만|억|천|원|개|명|곳|%|won|percent))", re.IGNORECASE
)
_YEAR_RANGE = re.compile(
    r"(?<!\d)(?<!\d[,.])((?:19|20)\d{2})\s*(?:년)?\s*(?:~|-|–|—|부터|to|bis|through|until)\s*(?:\w+\s+)?"
    r"((?:19|20)?\d{2})(?!\d)",
    re.IGNORECASE,
)


def years(text: str) -> frozenset[int]:
    """The years the text names."""
    found = {int(y) for y in _YEAR.findall(text)}
    for start, end in _YEAR_RANGE.findall(text):
        last = int(end) if len(end) == 4 else int(start[:2] + end)
        found.update(range(int(start), last + 1))
    return frozenset(found)
