"""The reading stage: sentences are read as real documents write them, and the bundled model picks the answering
sentence or says nothing answers."""

import pytest

from assistant.config import EmbeddingSettings, ReadingSettings
from assistant.embeddings import make_embeddings
from assistant.reading import Reader
from assistant.schema import Chunk, Hit
from assistant.tokens import Tokenizer
from fakes import FakeCrossReader


NOTICE = Hit(
    Chunk(
        "지원 내용\n이 사업은 중소 제조기업의 AI 도입을 돕는다. 기업당 최대 1억 2천만 원을 지원하며, 자부담은 30%다. "
        "신청은 스마트제조혁신추진단 누리집에서 받는다.",
        "notice.md", 2, "지원 내용", "2026년 AI 도입 지원사업 공고", "ko", 0,
    ),
    1.0,
)
ZONE = Hit(Chunk("특구\n규제자유특구는 2019년에 처음 지정되었다.", "zones.md", None, "특구", "규제자유특구", "ko", 0), 0.2)


@pytest.fixture(scope="module")
def reader(indexed):
    service = indexed[1]
    return service.reader, service


@pytest.mark.parametrize(
    "question, expected",
    [
        ("기업당 최대 얼마까지 받을 수 있나요?", "1억 2천만 원"),
        ("신청은 어디서 하나요?", "누리집"),
    ],
)
def test_the_sentence_that_answers_is_chosen_in_a_document_nobody_wrote_for_us(reader, question, expected):
    """A notice with pronouns and several facts per sentence: 'near word-for-word' is not needed."""
    reader, service = reader
    question, _ = service.passages(question)
    reading = reader.read(question, [NOTICE, ZONE])
    assert reading.answerable and expected in reading.evidence[0].sentence
    assert reading.evidence[0].hit_index == 0 and reading.passages[0] == 0


@pytest.mark.parametrize("question", ["오늘 서울 날씨 어때요?", "What is a good recipe for kimchi stew?"])
def test_nothing_answers_a_question_the_passages_do_not_touch(reader, question):
    reader, service = reader
    parsed, _ = service.passages(question)
    reading = reader.read(parsed, [NOTICE, ZONE])
    assert not reading.answerable and reading.evidence == [] and reading.confidence < reader.threshold


def test_each_part_of_a_two_part_question_gets_its_own_sentence(reader):
    reader, service = reader
    question, _ = service.passages("기업당 최대 지원 금액은 얼마이고, 규제자유특구는 언제 처음 지정됐나요?")
    assert len(question.parts) == 2
    reading = reader.read(question, [NOTICE, ZONE])
    quoted = " ".join(e.sentence for e in reading.evidence)
    assert "1억 2천만 원" in quoted and "2019" in quoted
    assert {e.part for e in reading.evidence} == {0, 1}


def test_a_threshold_setting_overrides_the_calibrated_one(indexed):
    service = indexed[1]
    strict = Reader(ReadingSettings(threshold=0.999), make_embeddings(EmbeddingSettings()), Tokenizer(), lambda term: 1.0)
    question, _ = service.passages("기업당 최대 얼마까지 받을 수 있나요?")
    assert strict.threshold == 0.999 and not strict.read(question, [NOTICE, ZONE]).answerable


@pytest.mark.parametrize("question", ["How much can one company get at most?", "한 회사가 받을 수 있는 지원금 상한은?"])
def test_across_languages_and_words_the_closest_sentence_is_the_right_one(reader, question):
    """An English question, or one sharing no word with the notice: the reader points at the sentence that answers
    (whether it is sure enough to answer is the weak spot the README reports)."""
    reader, service = reader
    question, _ = service.passages(question)
    reading = reader.read(question, [NOTICE, ZONE])
    assert "1억 2천만 원" in reading.closest.sentence and reading.closest.hit_index == 0


DATED = Hit(
    Chunk(
        "지원 내용\n이 사업은 중소 제조기업의 AI 도입을 돕는다. 기업당 최대 1억 2천만 원을 지원하며, 자부담은 30%다. "
        "신청은 2026년 3월 31일까지 스마트제조혁신추진단 누리집에서 받는다.",
        "notice.md", 2, "지원 내용", "2026년 AI 도입 지원사업 공고", "ko", 0,
    ),
    1.0,
)


@pytest.mark.parametrize("question", ["신청 마감은 언제예요?", "What is the closing date for applications?"])
def test_a_sentence_without_the_kind_of_value_asked_for_does_not_answer(reader, question):
    """The notice says where to apply but not by when: the sentence about applying is close, yet no answer to 'when'.
    Once the notice gives the date, that sentence answers."""
    reader, service = reader
    parsed, _ = service.passages(question)
    assert parsed.wants == {"day"}
    undated = reader.read(parsed, [NOTICE])
    assert not undated.answerable and undated.evidence == [] and undated.closest is not None
    dated = reader.read(parsed, [DATED])
    assert dated.answerable and "3월 31일" in dated.evidence[0].sentence


CALL_2023 = Hit(
    Chunk(
        "신청\n2023년 AI 도입 지원사업 신청은 2023년 3월 31일까지 스마트제조혁신추진단 누리집에서 받았다.",
        "call.md", None, "신청", "AI 도입 지원사업 공고", "ko", 0,
    ),
    1.0,
)
PLAN = Hit(
    Chunk(
        "계획\n2023~2025년 AI 도입 지원사업은 해마다 3월 31일까지 신청을 받는다.",
        "plan.md", None, "계획", "AI 도입 지원사업 계획", "ko", 0,
    ),
    1.0,
)


@pytest.mark.parametrize(
    "question, hit, answers",
    [
        ("2023년 AI 도입 지원사업 신청 마감은 언제예요?", CALL_2023, True),
        ("2024년 AI 도입 지원사업 신청 마감은 언제예요?", CALL_2023, False),
        ("When did applications for the 2024 AI adoption program close?", CALL_2023, False),
        ("2024년 AI 도입 지원사업 신청 마감은 언제예요?", PLAN, True),  # 2024 lies within 2023~2025
    ],
)
def test_a_sentence_about_another_year_does_not_answer(reader, question, hit, answers):
    """A call that closed in 2023 does not say when 2024's closes, however close its words are."""
    reader, service = reader
    parsed, _ = service.passages(question)
    reading = reader.read(parsed, [hit])
    assert reading.answerable is answers
    assert reading.closest is not None and "3월 31일" in reading.closest.sentence


OVERVIEW = Hit(
    Chunk(
        "2. 사업 개요\n자율형공장 구축 지원사업의 지원 기간은 협약일부터 시작되며, 6개월마다 진도를 점검하고 지원 기간이 "
        "끝나면 성과를 평가한다.\n\n| 구분 | 내용 |\n|---|---|\n| 지원 대상 | 중소·중견 제조기업 |\n"
        "| 지원 규모 | 신규 30개 과제 내외 |\n| 지원 기간 | 최대 2년 |\n| 정부지원금 | 과제당 최대 20억 원 |",
        "ai_factory.md", None, "2. 사업 개요", "2026년 자율형공장 구축 지원사업 공고", "ko", 0,
    ),
    1.0,
)


@pytest.mark.parametrize(
    "question, expected",
    [
        ("자율형공장 지원 기간은 얼마나 돼요?", "최대 2년"),
        ("자율형공장 구축 지원사업 지원 기간이 어떻게 되나요?", "최대 2년"),
    ],
)
def test_the_table_row_a_question_names_is_quoted_first(reader, question, expected):
    """Notices state facts in key–value rows; the prose around them shares the question's words, holds a length of
    time too ('6개월마다') and is rated as high by the sentence model."""
    reader, service = reader
    parsed, _ = service.passages(question)
    reading = reader.read(parsed, [OVERVIEW])
    assert reading.answerable and expected in reading.evidence[0].sentence



@pytest.fixture(scope="module")
def plain_parts(indexed):
    """What a reader needs besides its cross-reader: the bundled embeddings, a tokenizer, flat term weights."""
    return make_embeddings(EmbeddingSettings()), Tokenizer(), lambda term: 1.0


def test_the_cross_reader_reads_only_the_readers_best_sentences_with_the_question(indexed, plain_parts):
    service = indexed[1]
    recording = FakeCrossReader(default=1.0)
    question, _ = service.passages("기업당 최대 얼마까지 받을 수 있나요?")
    Reader(ReadingSettings(reread=2), *plain_parts, cross=recording).read(question, [NOTICE, ZONE])
    ((asked, sentences),) = recording.calls
    assert asked == question.text and len(sentences) == 2 and "1억 2천만 원" in sentences[0]


def test_the_cross_reader_can_veto_what_the_reader_would_answer(indexed, plain_parts):
    service = indexed[1]
    question, _ = service.passages("기업당 최대 얼마까지 받을 수 있나요?")
    alone = Reader(ReadingSettings(cross_reader="off"), *plain_parts).read(question, [NOTICE, ZONE])
    vetoed = Reader(ReadingSettings(), *plain_parts, cross=FakeCrossReader(default=0.0)).read(question, [NOTICE, ZONE])
    assert alone.answerable and not vetoed.answerable and vetoed.evidence == []


def test_the_cross_reader_reorders_the_readers_best_sentences(indexed, plain_parts):
    service = indexed[1]
    question, _ = service.passages("기업당 최대 얼마까지 받을 수 있나요?")
    recording = FakeCrossReader()
    Reader(ReadingSettings(), *plain_parts, cross=recording).read(question, [NOTICE, ZONE])
    second = recording.calls[0][1][1]
    favours_second = FakeCrossReader({second: 1.0}, default=0.01)
    reading = Reader(ReadingSettings(), *plain_parts, cross=favours_second).read(question, [NOTICE, ZONE])
    assert reading.closest.sentence == second and reading.confidence >= favours_second.threshold
