"""Search tokens: Kiwi morphemes for Korean, stemmed words for Latin script, function words dropped."""

from assistant.tokens import Tokenizer, stem

TOKENIZER = Tokenizer()


def test_korean_keeps_content_morphemes_and_drops_question_words():
    assert TOKENIZER.tokens("AI 팩토리는 몇 개 만드나요?") == ["팩토리", "개", "만들", "ai"]


def test_question_and_function_words_are_dropped_in_english_and_german():
    assert TOKENIZER.tokens("How many factories does it have?") == ["factory"]
    assert TOKENIZER.tokens("Wie viele KI-Fabriken gibt es schon?") == ["ki", "fabriken"]


def test_dotted_acronyms_match_their_plain_spelling():
    assert TOKENIZER.tokens("M.AX-Allianz") == TOKENIZER.tokens("MAX Allianz") == ["max", "allianz"]


def test_percent_is_one_token_in_every_spelling():
    assert all("percent" in TOKENIZER.tokens(q) for q in ("10%", "10 퍼센트", "몇 프로", "zehn Prozent", "ten percent"))


def test_stem_strips_english_inflections_of_long_words_only():
    assert [stem(w) for w in ("exports", "designated", "companies", "bus", "class")] == ["export", "designat", "company", "bus", "class"]


def test_won_is_a_currency_only_after_an_amount():
    assert "won" in TOKENIZER.tokens("The fund is worth 400 billion won.")
    assert "won" in TOKENIZER.tokens("It costs 5,000 won")
    assert "won" not in TOKENIZER.tokens("Who won the 2022 FIFA World Cup?")
