"""Query expansion: glossary translations across languages and spelling corrections from the corpus vocabulary."""

from assistant.glossary import BUNDLED, Glossary, Query, QueryExpander, load_glossary
from assistant.tokens import Tokenizer

TOKENIZER = Tokenizer()


def _expander(vocabulary: list[str], glossary: Glossary | None = None) -> QueryExpander:
    expander = QueryExpander(TOKENIZER, glossary)
    expander.learn([vocabulary])
    return expander


def test_glossary_adds_the_other_languages_terms():
    query = load_glossary("bundled", TOKENIZER).expand(TOKENIZER.tokens("How big is the industrial digital innovation fund?"))
    assert {"펀드", "혁신", "디지털"} <= set(query.search_tokens()) and {"ko", "de"} <= query.languages
    assert query.matched(set(TOKENIZER.tokens("4,000억 원 규모의 산업 디지털 혁신 펀드"))) == {"industrial", "digital", "innovation", "fund"}


def test_glossary_adds_other_spellings_in_the_same_language():
    query = load_glossary("bundled", TOKENIZER).expand(TOKENIZER.tokens("중기부는 예산을"))
    assert query.matched(set(TOKENIZER.tokens("중소벤처기업부의 2026년 예산"))) == {"중기부", "예산"}
    assert "ko" not in query.languages  # only translations make BM25 judge other languages


def test_weighted_share_counts_terms_found_directly_or_through_an_alternative():
    query = Query(["a", "b"], {"b": [frozenset({"x", "y"})]})
    assert query.weighted_share({"a"}, lambda t: 1.0) == 0.5
    assert query.weighted_share({"a", "x", "y"}, lambda t: 1.0) == 1.0
    assert query.weighted_share({"x"}, lambda t: 1.0) == 0.0
    assert Query([]).weighted_share({"a"}, lambda t: 1.0) == 0.0


def test_typos_are_corrected_to_corpus_terms():
    expander = _expander(["특구", "촉진법", "government", "target", "industrial"])
    alternatives = expander.expand("규제자유 특귀와 촉짐법, the goverment's targt").alternatives
    assert alternatives["특귀"] == [frozenset({"특구"})] and alternatives["촉짐법"] == [frozenset({"촉진법"})]
    assert alternatives["goverment"] == [frozenset({"government"})] and alternatives["targt"] == [frozenset({"target"})]


def test_real_words_are_not_corrected():
    expander = _expander(["지원", "산업", "대비", "2026"], load_glossary("bundled", TOKENIZER))
    alternatives = expander.expand("지원금 2027 대미 투자 fund").alternatives
    assert "지원금" not in alternatives  # a longer Korean word is another word, not a typo
    assert "2027" not in alternatives  # numbers are never corrected
    assert frozenset({"대비"}) not in alternatives.get("대미", [])  # the glossary knows 대미 (U.S.)


def test_the_corpus_or_the_glossary_knows_a_question_term_as_written_or_as_a_korean_typo():
    expander = _expander(["특구", "amount", "fund", "산", "높이"], load_glossary("bundled", TOKENIZER))
    assert expander.knows(expander.expand("What is the fund?")) and expander.knows(expander.expand("특귀"))
    assert expander.knows(expander.expand("How big is the AI factory plan?"))  # known through the glossary
    assert not expander.knows(expander.expand("How tall is Mount Everest?"))  # 'mount' is no typo of 'amount'
    assert QueryExpander(TOKENIZER).knows(QueryExpander(TOKENIZER).expand("everest"))  # nothing learnt: nothing judged


def test_every_korean_name_of_a_question_must_be_known_too():
    expander = _expander(["특구", "산", "높이", "경북"], load_glossary("bundled", TOKENIZER))
    assert not expander.knows(expander.expand("에베레스트산 높이는?"))  # '산' and '높이' are, the mountain is not
    assert expander.knows(expander.expand("경북 특구 높이는?"))


def test_bundled_glossary_loads():
    assert BUNDLED.is_file() and load_glossary("none", TOKENIZER) is None


def test_a_run_together_korean_compound_is_searched_as_its_corpus_words():
    expander = _expander(["얼라이언", "스", "출범", "일", "성장", "엔진", "특별", "보조금"])
    assert expander.expand("M.AX얼라이언스출범일").alternatives["얼라이언스출범일"] == [frozenset({"얼라이언", "출범"})]
    assert "대한민국" not in expander.expand("대한민국").alternatives  # not made of corpus words


def test_subject_entries_name_a_thing_of_their_own(tmp_path):
    path = tmp_path / "glossary.tsv"
    path.write_text("# ko\ten\tde\n등대공장\tlighthouse factory\tLeuchtturmfabrik\tsubject\n예산\tbudget\tHaushalt\n", encoding="utf-8")
    expander = QueryExpander(TOKENIZER, Glossary.load(path, TOKENIZER))
    assert expander.names_subject("등대공장은 어떤 공장이에요?") and expander.names_subject("What is a lighthouse factory?")
    assert not expander.names_subject("예산은 얼마예요?") and not expander.names_subject("What is the budget?")
    assert expander.expand("budget").languages == {"ko", "de"}  # a subject entry still translates like any other
    assert not QueryExpander(TOKENIZER).names_subject("등대공장")


def test_a_long_korean_name_is_found_in_the_letters_however_kiwi_cuts_it():
    glossary = load_glossary("bundled", TOKENIZER)
    expander = QueryExpander(TOKENIZER, glossary)
    # Kiwi reads '스마트공방' in this sentence as one word, and '스마트등대공장' as 스마트/등/대/공장.
    workshop = expander.expand("2020년 스마트공방 시범사업의 본예산은 얼마였나요?")
    assert {"workshop", "werkstatt"} <= set(workshop.search_tokens()) and workshop.languages == {"en", "de"}
    lighthouse = expander.expand("2021년 K-스마트등대공장 신청은 언제 마감됐나요?")
    assert "등대" in lighthouse.terms and "lighthouse" in lighthouse.search_tokens()
    assert expander.names_subject("스마트공방은 어떤 사업이에요?")
    # Two-syllable names are matched as words only: '수소' inside '수소문' (asking around) is not hydrogen.
    assert "hydrogen" not in expander.expand("여기저기 수소문했어요").search_tokens()
