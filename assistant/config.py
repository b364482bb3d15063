"""One settings tree for the whole assistant; every field can be overridden from the environment.

Environment variables use the prefix ``ASSISTANT_`` and ``__`` between levels, e.g.
``ASSISTANT_EMBEDDINGS__MODEL=sentence-transformers:/models/bge-m3`` or
``ASSISTANT_STORE__HOST=chroma.internal``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class EmbeddingSettings(BaseModel):
    model: str = Field(
        "use-multilingual",
        description=(
            "Embedding model: 'use-multilingual' (bundled multilingual Universal Sentence Encoder v3, "
            "runs offline) or 'sentence-transformers:<name-or-path>' for any sentence-transformers model "
            "already on disk or installed as a package."
        ),
    )
    threads: int = Field(
        1,
        ge=1,
        description="BLAS threads for the bundled encoder; more than the core count makes each call far slower.",
    )
    batch_size: int = Field(64, ge=1, description="Texts embedded per call while indexing.")


class StoreSettings(BaseModel):
    kind: Literal["chroma-local", "chroma-http"] = Field(
        "chroma-local", description="'chroma-local' keeps Chroma on disk in the index folder; 'chroma-http' talks to a Chroma server."
    )
    collection: str = Field("support_programs", description="Chroma collection that holds the chunks.")
    host: str = Field("localhost", description="Chroma server host (chroma-http only).")
    port: int = Field(8000, description="Chroma server port (chroma-http only).")


class ChunkingSettings(BaseModel):
    chunk_size: int = Field(600, ge=100, description="Largest chunk, in characters, before a section is split.")
    chunk_overlap: int = Field(80, ge=0, description="Characters shared by neighbouring pieces of a split section.")


class RetrievalSettings(BaseModel):
    top_k: int = Field(6, ge=1, description="Chunks handed to the answer stage.")
    candidates: int = Field(50, ge=1, description="Candidates taken from each retriever before fusion.")
    fusion: Literal["language-zscore", "rrf"] = Field(
        "language-zscore",
        description=(
            "'language-zscore': z-normalised scores, weighted; BM25 judges only chunks in the question's language and "
            "chunks in other languages are judged by the dense score with the full weight. 'rrf': weighted "
            "reciprocal-rank fusion (kept for comparison; it lost on both workloads, see README)."
        ),
    )
    bm25_weight: float = Field(0.7, ge=0, description="Weight of the BM25 (Kiwi morpheme) ranking in the fusion.")
    dense_weight: float = Field(0.3, ge=0, description="Weight of the dense (embedding) ranking in the fusion.")
    rrf_k: int = Field(60, ge=1, description="Rank offset of reciprocal-rank fusion ('rrf' only).")
    scope_notes: bool = Field(
        True,
        description=(
            "Also hand the answer stage the chunks (at most top_k) in which a found document says what it does not "
            "state ('…를 밝히지 않는다'), so a question about that gets 'the documents do not say', not a related fact."
        ),
    )


class AnswerSettings(BaseModel):
    generator: Literal["extractive"] = Field(
        "extractive", description="How answers are written: 'extractive' quotes the best supporting sentences (no LLM)."
    )
    max_sentences: int = Field(3, ge=1, description="Most sentences quoted in one answer.")
    min_evidence: float = Field(
        0.5, ge=0, description="Evidence score (of the best sentence) below which the assistant abstains."
    )
    dense_share: float = Field(
        0.3, ge=0, description="Weight of the sentence's embedding similarity to the question (same language)."
    )
    lexical_share: float = Field(
        0.3, ge=0, description="Weight of the IDF-weighted share of question terms found in the sentence or its heading."
    )
    coverage_share: float = Field(
        0.4, ge=0, description="Weight of the IDF-weighted share of question terms found anywhere in the sentence's chunk."
    )
    number_share: float = Field(
        0.2, ge=0, description="Weight of the share of the question's numbers (as values, any language) in the sentence."
    )
    cross_language_share: float = Field(
        1.4, ge=0, description="Weight of embedding similarity for a sentence in another language than the question."
    )
    keep_ratio: float = Field(
        0.85, gt=0, le=1, description="Further sentences are quoted when they score at least this share of the best."
    )
    help_ko: str = Field(
        "정확한 안내는 중소기업 통합콜센터(국번 없이 1357) 또는 기업마당(bizinfo.go.kr)에 문의해 주세요.",
        description="Where to ask, shown in Korean when the documents do not answer.",
    )
    help_en: str = Field(
        "For an authoritative answer, call the SME integrated call center (1357 in Korea) or see bizinfo.go.kr.",
        description="Where to ask, shown in English when the documents do not answer.",
    )
    help_de: str = Field(
        "Verbindliche Auskunft gibt das zentrale KMU-Callcenter (in Korea 1357) oder bizinfo.go.kr.",
        description="Where to ask, shown in German when the documents do not answer.",
    )
    max_question_chars: int = Field(2000, ge=10, description="Longest question accepted, in characters.")
    sentence_cache: int = Field(
        20_000, ge=0, description="Sentence embeddings the answerer keeps for reuse (about 2 KB each with the bundled model)."
    )


class IngestSettings(BaseModel):
    max_file_mb: float = Field(50, gt=0, description="Files larger than this are refused, in megabytes.")
    max_pages: int = Field(2000, ge=1, description="PDFs with more pages than this are refused.")


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the web UI listens on.")
    port: int = Field(7860, description="Port the web UI listens on.")


class Settings(BaseSettings):
    """The whole configuration; build it once and pass it (or its parts) into constructors."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    index_dir: Path = Field(Path("index"), description="Folder of the on-disk index (Chroma database).")
    corpus_dir: Path = Field(Path("corpus"), description="Folder of the shipped documents indexed by 'make run'.")
    glossary: str = Field(
        "bundled",
        description="Cross-language glossary for query expansion: 'bundled' (assistant/data/glossary.tsv), 'none', "
        "or the path of a TSV with 'ko<TAB>en<TAB>de' lines.",
    )
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="How documents are cut into chunks.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="Answer composition and abstention.")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Limits on incoming files.")
    ui: UISettings = Field(default_factory=UISettings, description="Web UI.")
