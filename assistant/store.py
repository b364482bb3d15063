"""Chunks and their vectors in Chroma (on disk or on a server), replaced one whole document at a time."""

from __future__ import annotations

import hashlib
import sys
import threading
import uuid
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from langchain_core.embeddings import Embeddings

from .config import StoreSettings
from .schema import Chunk
from .store_errors import IndexNotWritable, StoreUnavailable, not_writable

_BATCH = 1000
# The collection beside the chunks' that holds the vectors of their quotable sentences.
SENTENCES = "{}-sentences"
# The metadata field, on a version's first chunk, listing the sentence vectors the version uses.
SENTENCE_IDS = "sentence_ids"
# Collection metadata key of the mark that every completed write changes, so readers in other processes notice.
GENERATION = "generation"


@dataclass(frozen=True)
class Versions:
    """The document versions in the index: the complete one shown for each source, and the sources that also hold
    chunks of another version (a half-written one, or an old one whose deletion was cut off)."""

    complete: dict[str, str]
    leftovers: set[str]


@dataclass(frozen=True)
class Snapshot:
    """The complete documents of the index at one moment: chunks, their search tokens, and version by source."""

    chunks: list[Chunk]
    tokens: list[list[str]]
    versions: dict[str, str]
    ids: list[str]  # each chunk's id in the collection (what nearest_ids returns)


def _chroma_settings():
    from chromadb.config import Settings as ChromaSettings

    return ChromaSettings(anonymized_telemetry=False)


class _EmbeddedClients:
    """One embedded Chroma client per index folder in this process, shared by every store on that folder.

    Embedded Chroma keeps the vector index in memory: what another process wrote is only seen after the folder is
    opened again, and every client in the process must then move to the new one (the old one is stopped).
    """

    _open: dict[str, tuple[object, str]] = {}  # folder -> (client, generation it was opened at)
    _lock = threading.Lock()

    @classmethod
    def get(cls, folder: Path, generation: str | None = None):
        """The folder's client; a new one when given a generation other than the one the client was opened at."""
        import chromadb

        key = str(folder.resolve())
        with cls._lock:
            client, seen = cls._open.get(key, (None, ""))
            if client is None or (generation is not None and generation != seen):
                if client is not None:
                    client.close()
                try:
                    folder.mkdir(parents=True, exist_ok=True)
                    client = chromadb.PersistentClient(path=key, settings=_chroma_settings())
                except Exception as exc:  # Chroma opens its database for writing, even to read
                    raise not_writable(folder, exc) or exc
                cls._open[key] = (client, generation if generation is not None else seen)
            return client

    @classmethod
    def wrote(cls, folder: Path, generation: str) -> None:
        """This process wrote the generation itself: its client already shows it."""
        key = str(folder.resolve())
        with cls._lock:
            if key in cls._open:
                cls._open[key] = (cls._open[key][0], generation)


def _sentence_id(sentence: str) -> str:
    return hashlib.sha256(sentence.encode()).hexdigest()[:32]


def _metadata(chunk: Chunk, doc_hash: str, n_chunks: int, tokens: list[str]) -> dict:
    meta = {
        "source": chunk.source,
        "heading": chunk.heading,
        "title": chunk.title,
        "language": chunk.language,
        "position": chunk.position,
        "doc_hash": doc_hash,
        "n_chunks": n_chunks,
        "tokens": " ".join(tokens),
    }
    if chunk.page is not None:
        meta["page"] = chunk.page
    return meta


def _chunk(text: str, meta: dict) -> Chunk:
    return Chunk(
        text=text,
        source=meta["source"],
        page=meta.get("page"),
        heading=meta.get("heading", ""),
        title=meta.get("title", ""),
        language=meta.get("language", ""),
        position=meta.get("position", 0),
    )


class ChunkStore:
    """The index: one Chroma collection of chunks, with each document's version recorded on its chunks.

    A document's chunks are written under its content hash before the previous version's are deleted, and
    readers only see versions whose chunk count is complete, so an interrupted write never shows half a document.
    """

    def __init__(self, settings: StoreSettings, index_dir: Path, embeddings: Embeddings) -> None:
        self._settings = settings
        self._index_dir = index_dir
        self._embeddings = embeddings
        self._client = None  # the server's client (chroma-http); an embedded one comes from _EmbeddedClients
        self._chroma = None
        self._chroma_client = None  # the client self._chroma was built on
        if settings.kind == "chroma-http":
            import chromadb

            self._client = chromadb.HttpClient(host=settings.host, port=settings.port, settings=_chroma_settings())

    def _current_client(self):
        return self._client if self._settings.kind == "chroma-http" else _EmbeddedClients.get(self._index_dir)

    @property
    def _vectors(self):
        """The LangChain Chroma store on the current client (a new one after the folder was opened again)."""
        from langchain_chroma import Chroma

        client = self._current_client()
        if self._chroma is None or client is not self._chroma_client:
            self._chroma_client = client
            self._chroma = Chroma(
                client=client,
                collection_name=self._settings.collection,
                embedding_function=self._embeddings,
                collection_configuration={"hnsw": {"space": "cosine"}},
            )
        return self._chroma

    def _collection(self):
        """The Chroma collection itself, read fresh from the current client (metadata included)."""
        self._vectors  # creates the collection on first use
        return self._chroma_client.get_collection(self._settings.collection)

    def _sentences(self, create: bool = True):
        """The collection of sentence vectors, keyed by the sentence itself: identical sentences of two documents
        share one vector, and a vector that is missing (never written, or cut off by a kill) is computed instead, so it
        is a cache that cannot show anything half-written. A replaced or removed version's vectors go with it. Without
        create, None when there is none: a reader must not write into an index (a baseline's, say) it only reads."""
        from chromadb.errors import NotFoundError

        client, name = self._current_client(), SENTENCES.format(self._settings.collection)
        if create:
            return client.get_or_create_collection(name)
        try:
            return client.get_collection(name)
        except NotFoundError:
            return None

    def sentence_vectors(self, sentences: list[str]) -> list[list[float] | None]:
        """The stored vectors of these sentences (None for a sentence none is stored for)."""
        if not sentences:
            return []
        ids = [_sentence_id(s) for s in sentences]
        with self._server():
            collection = self._sentences(create=False)
            if collection is None:
                return [None] * len(sentences)
            found = collection.get(ids=list(dict.fromkeys(ids)), include=["embeddings"])
        by_id = dict(zip(found["ids"], found["embeddings"]))
        return [by_id[i].tolist() if i in by_id else None for i in ids]  # numpy rows

    def _store_sentences(self, sentences: Sequence[str]) -> None:
        """Embed and store the sentences that have no vector yet (a re-ingested document embeds only its new ones)."""
        if not sentences:
            return
        wanted = {_sentence_id(s): s for s in sentences}
        collection, ids, have = self._sentences(), list(wanted), set()
        for start in range(0, len(ids), _BATCH):
            have.update(collection.get(ids=ids[start : start + _BATCH], include=[])["ids"])
        missing = [i for i in ids if i not in have]
        for start in range(0, len(missing), _BATCH):
            batch = missing[start : start + _BATCH]
            collection.add(ids=batch, embeddings=self._embeddings.embed_documents([wanted[i] for i in batch]))

    @contextmanager
    def _server(self) -> Iterator[None]:
        """Calls to a Chroma server: a server that went away is a StoreUnavailable with a message users can act on."""
        try:
            yield
        except StoreUnavailable:
            raise
        except Exception as exc:
            if self._settings.kind != "chroma-http":
                raise
            where = f"{self._settings.host}:{self._settings.port}"
            raise StoreUnavailable(
                f"검색 색인 서버({where})에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. / The index server ({where}) "
                f"cannot be reached; please try again shortly. ({type(exc).__name__})"
            ) from exc

    @contextmanager
    def _disk(self) -> Iterator[None]:
        """Writes to an embedded index: a folder that refuses them is an IndexNotWritable saying why."""
        try:
            yield
        except (StoreUnavailable, IndexNotWritable):
            raise
        except Exception as exc:
            if self._settings.kind != "chroma-local" or (problem := not_writable(self._index_dir, exc)) is None:
                raise
            raise problem from exc

    def generation(self) -> str:
        """A mark that changes whenever any process completes a write to the index (read fresh every call)."""
        with self._server():
            return str((self._collection().metadata or {}).get(GENERATION, ""))

    def reopen(self, generation: str) -> None:
        """See what other processes wrote up to this generation (a server always shows it; an embedded Chroma must
        be opened again)."""
        if self._settings.kind == "chroma-local":
            _EmbeddedClients.get(self._index_dir, generation)

    def _written(self) -> None:
        generation = uuid.uuid4().hex
        self._collection().modify(metadata={GENERATION: generation})
        if self._settings.kind == "chroma-local":
            _EmbeddedClients.wrote(self._index_dir, generation)

    def _all(self, where: dict | None = None, documents: bool = True) -> tuple[list[str], list[str], list[dict]]:
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        ids: list[str] = []
        texts: list[str] = []
        metas: list[dict] = []
        offset = 0
        while True:
            page = self._vectors.get(where=where, include=include, limit=_BATCH, offset=offset)
            ids += page["ids"]
            metas += page["metadatas"]
            texts += page["documents"] if documents else [""] * len(page["ids"])
            if len(page["ids"]) < _BATCH:
                return ids, texts, metas
            offset += _BATCH

    @staticmethod
    def _complete_versions(metas: list[dict]) -> dict[str, str]:
        """The version shown for each source: a complete one (when a write was cut off between writing a new version
        and deleting the old one, both are complete and the one Chroma lists last is shown until the next ingest)."""
        counts: dict[tuple[str, str], int] = defaultdict(int)
        expected: dict[tuple[str, str], int] = {}
        for meta in metas:
            key = (meta["source"], meta["doc_hash"])
            counts[key] += 1
            expected[key] = meta["n_chunks"]
        return {source: doc_hash for (source, doc_hash), n in counts.items() if n == expected[(source, doc_hash)]}

    def versions(self) -> Versions:
        """The version shown for each source, and the sources with chunks of another version besides it."""
        with self._server():
            metas = self._all(documents=False)[2]
        complete = self._complete_versions(metas)
        return Versions(complete, {m["source"] for m in metas if complete.get(m["source"]) != m["doc_hash"]})

    def discard_other_versions(self, source: str, keep: str) -> None:
        """Delete a source's chunks of every version but one: what a write that was killed left behind (never shown,
        as readers only see complete versions, but taking room in dense search)."""
        with self._server(), self._disk():
            self._delete_where(source, keep)

    def replace_document(
        self, source: str, doc_hash: str, chunks: list[Chunk], tokens: list[list[str]], sentences: Sequence[str] = ()
    ) -> None:
        """Write a document's chunks (embedding them), then delete any other version of the same source. sentences:
        the chunks' quotable sentences, embedded now (those not stored yet) so the reader finds their vectors ready."""
        # The source is part of the id: identical files under two names are two documents, not one overwriting the
        # other's chunks.
        key = hashlib.sha256(f"{source}\0{doc_hash}".encode()).hexdigest()[:16]
        ids = [f"{key}-{c.position}" for c in chunks]
        metas = [_metadata(c, doc_hash, len(chunks), t) for c, t in zip(chunks, tokens)]
        if metas and sentences:  # which sentence vectors the version uses, so that replacing it can drop the rest
            metas[0][SENTENCE_IDS] = " ".join(sorted({_sentence_id(s) for s in sentences}))
        with self._server(), self._disk():
            self._store_sentences(sentences)
            for start in range(0, len(chunks), _BATCH):
                end = start + _BATCH
                self._vectors.add_texts([c.text for c in chunks[start:end]], metadatas=metas[start:end], ids=ids[start:end])
            self._delete_where(source, keep=doc_hash)
            self._written()

    def remove_document(self, source: str) -> None:
        """Delete every chunk of a source."""
        with self._server(), self._disk():
            self._delete_where(source, keep=None)
            self._written()

    def _delete_where(self, source: str, keep: str | None) -> None:
        """Delete a source's chunks of every version but keep, and the sentence vectors only they used."""
        ids, _, metas = self._all(where={"source": source}, documents=False)
        stale = [i for i, m in zip(ids, metas) if m["doc_hash"] != keep]
        for start in range(0, len(stale), _BATCH):
            self._vectors.delete(ids=stale[start : start + _BATCH])
        kept: set[str] = set()
        dropped: set[str] = set()
        for m in metas:
            (kept if m["doc_hash"] == keep else dropped).update(m.get(SENTENCE_IDS, "").split())
        unused = sorted(dropped - kept)
        collection = self._sentences(create=False) if unused else None
        if collection is None:
            return
        # A sentence another document also quotes loses its vector too: the reader embeds it again when it is read.
        for start in range(0, len(unused), _BATCH):
            collection.delete(ids=unused[start : start + _BATCH])

    def copy_to(self, target: ChunkStore) -> int:
        """Copy every chunk with its vector and metadata, and the sentence vectors, into another store (an embedded
        index onto a server), in batches, unchanged; returns how many chunks. Readers of the target see the copied
        documents only once each is complete, as with any write."""
        copied, offset = 0, 0
        with self._server(), target._server():
            while True:
                page = self._vectors.get(include=["embeddings", "documents", "metadatas"], limit=_BATCH, offset=offset)
                if not page["ids"]:
                    break
                target._collection().upsert(
                    ids=page["ids"], embeddings=page["embeddings"], documents=page["documents"],
                    metadatas=page["metadatas"],
                )
                copied += len(page["ids"])
                offset += _BATCH
            source = self._sentences(create=False)  # an index written before sentence vectors has none to copy
            if source is not None:
                destination = target._sentences()
                for offset in range(0, source.count(), _BATCH):
                    page = source.get(include=["embeddings"], limit=_BATCH, offset=offset)
                    destination.upsert(ids=page["ids"], embeddings=page["embeddings"])
            target._written()
        return copied

    def snapshot(self) -> Snapshot:
        """Every chunk of every complete document with its search tokens, in document order. Each distinct token is
        one string object (interned): a large index repeats few words many times, and 100k chunks' tokens take
        ~85 MB instead of ~750 MB."""
        with self._server():
            ids, texts, metas = self._all()
        versions = self._complete_versions(metas)
        rows = sorted(
            (
                (_chunk(text, meta), list(map(sys.intern, meta["tokens"].split())), chunk_id)
                for chunk_id, text, meta in zip(ids, texts, metas)
                if versions.get(meta["source"]) == meta["doc_hash"]
            ),
            key=lambda row: (row[0].source, row[0].position),
        )
        return Snapshot([c for c, _, _ in rows], [t for _, t, _ in rows], versions, [i for _, _, i in rows])

    def nearest_ids(self, query: str, k: int) -> list[tuple[str, float]]:
        """Ids of the k chunks nearest the query by embedding, with cosine similarity, of any version: the same
        search as dense_search without fetching texts and metadata (three quarters of its time); a caller holding a
        Snapshot keeps the ids in it."""
        vector = self._embeddings.embed_query(query)
        with self._server():
            found = self._collection().query(query_embeddings=[vector], n_results=k, include=["distances"])
        return [(chunk_id, 1.0 - distance) for chunk_id, distance in zip(found["ids"][0], found["distances"][0])]

    def dense_search(self, query: str, k: int, versions: dict[str, str]) -> list[tuple[Chunk, float]]:
        """The k chunks nearest the query by embedding, with cosine similarity, from the given document versions."""
        with self._server():
            found = self._vectors.similarity_search_with_score(query, k=k)
        return [
            (_chunk(doc.page_content, doc.metadata), 1.0 - distance)
            for doc, distance in found
            if versions.get(doc.metadata["source"]) == doc.metadata["doc_hash"]
        ]
