"""One contract for every embedding model behind the LangChain Embeddings interface, run on the real models."""

import numpy as np
import pytest

from assistant.config import EmbeddingSettings
from assistant.embeddings import CachedEmbeddings, StoredEmbeddings, make_embeddings
from fakes import Recording


def _cosine(a, b) -> float:
    a, b = np.asarray(a), np.asarray(b)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


@pytest.mark.model
class EmbeddingsContract:
    model_name: str
    dimensions: int

    @pytest.fixture(scope="class")
    def model(self):
        return make_embeddings(EmbeddingSettings(model=self.model_name))

    def test_shapes_and_unit_length(self, model):
        vectors = model.embed_documents(["smart factory support", "AI factory", "regulation-free zone"])
        assert np.asarray(vectors).shape == (3, self.dimensions)
        assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)

    def test_query_and_document_agree(self, model):
        assert _cosine(model.embed_query("DX innovation fund"), model.embed_documents(["DX innovation fund"])[0]) > 0.999

    def test_meaning_ranks_above_unrelated_text(self, model):
        query = model.embed_query("How big is the fund for digital transformation?")
        related, unrelated = model.embed_documents(
            ["The digital transformation fund is worth 400 billion won.", "It will rain in Busan tomorrow."]
        )
        assert _cosine(query, related) > _cosine(query, unrelated) + 0.1

    def test_empty_batch(self, model):
        assert model.embed_documents([]) == []


class TestUniversalSentenceEncoder(EmbeddingsContract):
    model_name = "use-multilingual"
    dimensions = 512

    def test_crosses_languages(self, model):
        query = model.embed_query("How many AI factories will be built by 2030?")
        korean, other = model.embed_documents(["2030년까지 AI 팩토리를 500개로 늘린다.", "부산의 내일 날씨는 비가 온다."])
        assert _cosine(query, korean) > _cosine(query, other) + 0.1


class TestBundledMiniLM(EmbeddingsContract):
    model_name = "sentence-transformers:bundled-minilm"
    dimensions = 384


class TestCachedUniversalSentenceEncoder(EmbeddingsContract):
    model_name = "use-multilingual"
    dimensions = 512

    @pytest.fixture(scope="class")
    def model(self):
        return CachedEmbeddings(make_embeddings(EmbeddingSettings(model=self.model_name)), size=2)


@pytest.mark.model
def test_the_cache_embeds_each_text_once_and_forgets_the_oldest():
    recording = Recording(make_embeddings(EmbeddingSettings()))
    cached = CachedEmbeddings(recording, size=2)
    first = cached.embed_documents(["a fund", "a zone", "a fund"])
    again = cached.embed_documents(["a zone", "a fund"])
    cached.embed_documents(["a factory"])  # the cache holds two texts: 'a zone' is now the oldest and goes
    cached.embed_documents(["a zone"])
    assert recording.asked == ["a fund", "a zone", "a factory", "a zone"]
    assert first[0] == first[2] == again[1] and first[1] == again[0]


def test_unknown_model_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown embedding model"):
        make_embeddings(EmbeddingSettings(model="word2vec"))


def test_models_load_lazily():
    # Constructing must not load weights: nothing happens until the first embed call.
    model = make_embeddings(EmbeddingSettings(model="sentence-transformers:/nonexistent/model"))
    with pytest.raises(Exception):
        model.embed_query("x")


@pytest.mark.model
def test_stored_vectors_are_used_and_only_the_others_embedded():
    model = make_embeddings(EmbeddingSettings())
    recording = Recording(model)
    kept = {"a fund": model.embed_documents(["a fund"])[0]}
    stored = StoredEmbeddings(recording, lambda texts: [kept.get(t) for t in texts])
    vectors = stored.embed_documents(["a zone", "a fund", "a factory"])
    assert recording.asked == ["a zone", "a factory"]
    assert vectors[1] == kept["a fund"] and _cosine(vectors[0], model.embed_documents(["a zone"])[0]) > 0.9999
