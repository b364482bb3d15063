"""Bring files into the index: read, chunk, tokenise and store each one, skipping files that did not change."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from pathlib import Path

from .chunking import chunk_pages, quotable_sentences
from .config import Settings
from .ingest import IngestError, find_files, load_file, unread_files
from .schema import FileFailure, IngestReport
from .store import ChunkStore, Versions
from .store_errors import IndexNotWritable
from .tokens import Tokenizer

# Called after each file with (files done, files in all, the file just done).
Progress = Callable[[int, int, Path], None]
# Part of every document's fingerprint: raise it when chunking or search tokens change, so old indexes rebuild.
INDEX_FORMAT = "11"


def document_hash(data: bytes, settings: Settings) -> str:
    """Fingerprint of a file's bytes, the chunking that cut it and the index format; any change re-indexes it."""
    digest = hashlib.sha256(data)
    digest.update(settings.chunking.model_dump_json().encode())
    digest.update(INDEX_FORMAT.encode())
    return digest.hexdigest()


def index_files(
    paths: Iterable[Path],
    store: ChunkStore,
    tokenizer: Tokenizer,
    settings: Settings,
    progress: Progress | None = None,
) -> IngestReport:
    """Index every supported file under the paths; a failing file is reported and the others go on, and files of
    other types in the folders are reported as skipped. IndexNotWritable when the index folder refuses writes."""
    paths = list(paths)
    report = IngestReport(skipped=unread_files(paths))
    versions = store.versions()
    files = find_files(paths)
    first_of_name: dict[str, Path] = {}
    for done, (path, name) in enumerate(files, start=1):
        try:
            if first_of_name.setdefault(name, path) != path:
                raise IngestError(f"another file in this batch is also called '{name}' ({first_of_name[name]}); rename one")
            _index_one(path, name, store, tokenizer, settings, versions, report)
        except IngestError as exc:
            report.failures.append(FileFailure(str(path), str(exc)))
        except IndexNotWritable:  # every further file would fail the same way: stop, and say why once
            raise
        except Exception as exc:  # an unexpected fault in one file must not stop the batch or hide its name
            report.failures.append(FileFailure(str(path), f"unexpected error: {exc.__class__.__name__}: {exc}"))
        if progress:
            progress(done, len(files), path)
    return report


def _index_one(
    path: Path,
    name: str,
    store: ChunkStore,
    tokenizer: Tokenizer,
    settings: Settings,
    versions: Versions,
    report: IngestReport,
) -> None:
    data = path.read_bytes() if path.is_file() else b""
    doc_hash = document_hash(data, settings)
    if versions.complete.get(name) == doc_hash:
        if name in versions.leftovers:  # an ingest killed while writing this document left chunks behind
            store.discard_other_versions(name, doc_hash)
        report.unchanged.append(str(path))
        return
    pages = load_file(path, settings.ingest, name)
    chunks = chunk_pages(pages, settings.chunking)
    if not chunks:
        raise IngestError("no text could be extracted")
    sentences = [sentence for chunk in chunks for sentence in quotable_sentences(chunk)]
    store.replace_document(name, doc_hash, chunks, tokenizer.batch(c.text for c in chunks), sentences)
    report.indexed.append(str(path))
    report.pages += len(pages)
    report.chunks += len(chunks)
