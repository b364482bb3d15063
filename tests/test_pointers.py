"""Pointers into a list the assistant gave, and the particle after what replaces them."""

import pytest

from assistant.pointers import pointer, with_particle


@pytest.mark.parametrize("turn, position", [
    ("두 번째 건은 언제 마감해요?", 1), ("마지막 거는 얼마예요?", -1), ("and the first one?", 0),
    ("what about that last one?", -1), ("Und das zweite?", 1), ("후자는요?", -1),
])
def test_a_pointer_gives_the_items_position(turn, position):
    start, end, found = pointer(turn)
    assert found == position and 0 <= start < end <= len(turn)


@pytest.mark.parametrize("turn", ["the first zones were designated when?", "두 번째 지정은 언제였어요?", "Die ersten Zonen?"])
def test_an_ordinal_before_another_noun_is_no_pointer(turn):
    assert pointer(turn) is None


def test_the_particle_agrees_with_the_words_put_in_place():
    assert with_particle("전라남도", "은 어디예요?") == "는 어디예요?"
    assert with_particle("전라남도", "은요?") == "는요?" and with_particle("강원", "는요?") == "은요?"
    assert with_particle("규제자유특구", "는 어디") == "는 어디" and with_particle("강원", "이 신청") == "이 신청"
    assert with_particle("강원", "는데요") == "는데요"  # an ending, not a particle
    assert with_particle("RE100", "은요?") == "은요?"  # not a Hangul syllable: left as it was
