from assistant.text import asks_something, clean, detect_language, split_sentences


def test_clean_drops_lone_surrogates_and_controls():
    assert clean("AI\ud800 팩토리\x00") == "AI 팩토리 "
    clean("\udc80").encode("utf-8")  # must not raise


def test_detect_language():
    assert detect_language("2030년까지 AI 팩토리를 몇 개 만드나요?") == "ko"
    assert detect_language("How big is the DX innovation fund?") == "en"
    assert detect_language("Wie viele KI-Fabriken wird es geben?") == "de"


def test_split_sentences_keeps_decimals_and_korean_endings():
    text = "펀드는 4,000억 원 규모이다. 금리는 1.5%이다.\nThe fund runs until 2024. Done!"
    assert split_sentences(text) == ["펀드는 4,000억 원 규모이다.", "금리는 1.5%이다.", "The fund runs until 2024.", "Done!"]


def test_wrapped_pdf_lines_are_joined_but_list_items_stay_apart():
    text = "산업통상자원부는 2030년까지 AI 팩토리를\n500개로 늘릴 계획이다.\n- 첫 항목\n- 둘째 항목\n\n새 문단"
    assert split_sentences(text) == ["산업통상자원부는 2030년까지 AI 팩토리를 500개로 늘릴 계획이다.", "첫 항목", "둘째 항목", "새 문단"]


def test_ordinals_and_abbreviations_do_not_end_sentences():
    text = "Die M.AX-Allianz wurde am 10. September 2025 gegründet. The U.S. investment is 200 billion dollars. Next."
    assert split_sentences(text) == [
        "Die M.AX-Allianz wurde am 10. September 2025 gegründet.",
        "The U.S. investment is 200 billion dollars.",
        "Next.",
    ]


def test_abbreviations_before_a_capital_do_not_end_sentences():
    text = "Der Fonds hat 7 Mrd. Won. Die Frist endet am 3. Mai. On Dec. 17, Dr. Kim spoke. Es gibt z.B. Kredite. Ende."
    assert split_sentences(text) == [
        "Der Fonds hat 7 Mrd. Won.", "Die Frist endet am 3. Mai.", "On Dec. 17, Dr. Kim spoke.", "Es gibt z.B. Kredite.", "Ende.",
    ]


def test_two_part_questions_are_split_and_others_kept_whole():
    from assistant.text import split_question

    assert split_question("AI 팩토리 목표 개수와 중기부의 AI 스마트공장 목표 개수는 각각 몇 개인가요?") == [
        "AI 팩토리 목표 개수 각각 몇 개인가요?", "중기부의 AI 스마트공장 목표 개수는 각각 몇 개인가요?"
    ]
    assert split_question("국민성장펀드랑 지역 성장 펀드는 규모가 각각 얼마예요?") == [
        "국민성장펀드 규모가 각각 얼마예요?", "지역 성장 펀드는 규모가 각각 얼마예요?"
    ]
    assert split_question("정책자금은 비수도권에 몇 % 이상 가고, 국민성장펀드는 몇 % 이상 투자해?") == [
        "정책자금은 비수도권에 몇 % 이상 가고", "국민성장펀드는 몇 % 이상 투자해?"
    ]
    assert split_question("How big is the fund, and when does it end?") == ["How big is the fund", "when does it end?"]
    assert split_question("Wie groß ist der Fonds und wann endet er?") == ["Wie groß ist der Fonds", "wann endet er?"]
    for whole in ["2030년까지 AI 팩토리를 몇 개 만드나요?", "What and why?", "AI 팩토리와 스마트공장 지원의 차이는?"]:
        assert split_question(whole) == [whole]




def test_a_text_asks_with_a_question_mark_or_a_question_word():
    assert asks_something("금리는요?") and asks_something("신청 기간이 언제") and asks_something("wann endet die Frist")
    assert not asks_something("청주 제조업체고 직원은 7명이에요") and not asks_something("We're a parts maker in Ulsan")
