"""The cross-reader's contract, held by the fake and by the bundled model; and what only the bundled model knows."""

import numpy as np
import pytest

from assistant.config import ReadingSettings
from assistant.cross_reader import BUNDLED, E5CrossReader, make_cross_reader
from fakes import FakeCrossReader

QUESTION = "기업당 최대 얼마까지 받을 수 있나요?"
ANSWER = "기업당 최대 1억 2천만 원을 지원하며, 자부담은 30%다."
WHERE = "신청은 스마트제조혁신추진단 누리집에서 받는다."
ZONES = "규제자유특구는 2019년에 처음 지정되었다."


class CrossReaderContract:
    @pytest.fixture
    def cross(self):
        raise NotImplementedError

    def test_one_probability_per_sentence(self, cross):
        judged = cross.judge(QUESTION, [ANSWER, WHERE, ZONES])
        assert judged.shape == (3,) and np.all((judged >= 0) & (judged <= 1))

    def test_no_sentences_no_probabilities(self, cross):
        assert cross.judge(QUESTION, []).shape == (0,)

    def test_its_threshold_is_a_probability(self, cross):
        assert 0 < cross.threshold < 1


class TestFakeCrossReader(CrossReaderContract):
    @pytest.fixture
    def cross(self):
        return FakeCrossReader({ANSWER: 0.9})


@pytest.fixture(scope="module")
def bundled() -> E5CrossReader:
    return make_cross_reader(ReadingSettings())


class TestBundledCrossReader(CrossReaderContract):
    @pytest.fixture
    def cross(self, bundled):
        return bundled

    @pytest.mark.parametrize("question", [QUESTION, "How much can one company receive at most?"])
    def test_the_answering_sentence_is_judged_above_its_neighbours(self, cross, question):
        answer, where, zones = cross.judge(question, [ANSWER, WHERE, ZONES])
        assert answer > max(where, zones)

    def test_the_same_pair_gets_the_same_probability_in_any_batch(self, cross):
        alone = cross.judge(QUESTION, [ANSWER])[0]
        assert cross.judge(QUESTION, [ZONES, ANSWER, WHERE])[1] == pytest.approx(alone, abs=1e-5)


def test_off_means_the_reader_alone():
    assert make_cross_reader(ReadingSettings(cross_reader="off")) is None


def test_the_bundled_file_is_the_default_and_another_format_is_refused_by_name(tmp_path):
    assert isinstance(make_cross_reader(ReadingSettings()), E5CrossReader) and BUNDLED.is_file()
    other = tmp_path / "reader.json"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(ValueError, match="reader.json is not a cross-reader file"):
        make_cross_reader(ReadingSettings(cross_reader=str(other)))
