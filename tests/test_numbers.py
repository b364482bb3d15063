import pytest

from assistant.numbers import numeric_values, years


@pytest.mark.parametrize(
    "korean, other",
    [
        ("4,000억 원", "400 billion won"),
        ("4,000억 원", "400 Milliarden Won"),
        ("150조 원", "150 trillion won"),
        ("150조 원", "150 Billionen Won"),
        ("3만 개", "30,000 factories"),
        ("1만 2,000개", "12,000 factories"),
        ("1조 1,347억 원", "1.1347 trillion won"),
    ],
)
def test_the_same_amount_written_differently_has_one_value(korean, other):
    assert numeric_values(korean) & numeric_values(other)


def test_plain_numbers_and_percentages():
    assert numeric_values("2030년까지 500개, 40% 이상") == {2030.0, 500.0, 40.0}
    assert numeric_values("no numbers here") == set()


def test_an_article_of_a_law_a_citation_marker_and_a_year_are_no_part_of_an_amount():
    assert numeric_values("중소기업진흥법 제67조") == {67.0}  # Article 67, not 67 trillion
    assert numeric_values("총 67조 [1] 2026년") == {67e12, 1.0, 2026.0}
    assert numeric_values("4조 4,313억 원, 2026년") == {4e12, 4.4313e12, 2026.0}


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2024년 TIPS 마감", {2024}),
        ("in 2021, 150 million won", {2021}),
        ("2022~2024년", {2022, 2023, 2024}),
        ("from 2022 to 2025", {2022, 2023, 2024, 2025}),
        ("2024-26", {2024, 2025, 2026}),
        ("2021.3.5. 공고", {2021}),
        ("2000만 원, 2024개사, 1,2020", set()),  # amounts and counts, not years
    ],
)
def test_years_named_and_ranges_filled_in(text, expected):
    assert years(text) == expected
