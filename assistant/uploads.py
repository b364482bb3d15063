"""Documents staff upload: checked, saved under data_dir/uploads and indexed, one upload at a time.

An upload is copied into a hidden staging folder beside the saved files and indexed from there; a file that
indexed is then renamed into place, so the folder never holds half a file and a failed upload never replaces a good
copy. While it is indexed the chat keeps answering from the documents already complete (the store only shows a
document once all its chunks are written) and answers from the new ones as soon as they are: the service refreshes
its retriever, and every search follows the index's generation (store.py, retrieval.py).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .config import Settings
from .indexer import Progress
from .ingest import SUPPORTED_SUFFIXES
from .service import AssistantService
from .store_errors import IndexNotWritable

UPLOADS = "uploads"
_STAGING = ".staging"  # hidden: a folder ingest of the uploads never reads it
_LOCK = ".lock"
_KINDS_KO = "PDF, 마크다운(.md), 텍스트(.txt), 한글(.hwp, .hwpx)"
_KINDS_EN = "PDF, Markdown, text, HWP or HWPX"
BUSY = "다른 업로드를 색인하는 중입니다. 끝난 뒤 다시 올려 주세요. / Another upload is being indexed; upload again when it has finished."


class UploadBusy(RuntimeError):
    """Another upload is being indexed (in this process or another on the same data folder)."""

    def __init__(self) -> None:
        super().__init__(BUSY)


@dataclass(frozen=True)
class Refusal:
    """A file that was not indexed, with the reason in Korean and in English."""

    name: str
    ko: str
    en: str

    def __str__(self) -> str:
        return f"{self.name}: {self.ko} / {self.en}"


@dataclass
class UploadReport:
    """What one upload did: the files indexed, those already indexed with the same content, and those refused."""

    indexed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    refused: list[Refusal] = field(default_factory=list)
    pages: int = 0
    chunks: int = 0
    seconds: float = 0.0

    def lines(self) -> list[str]:
        """The report for staff, one line each, Korean / English."""
        lines = [
            f"색인한 파일 {len(self.indexed)}개, {self.pages}쪽, 문단 {self.chunks}개 ({self.seconds:.1f}초) / "
            f"Indexed {len(self.indexed)} file(s), {self.pages} page(s), {self.chunks} chunk(s) in {self.seconds:.1f} s"
        ]
        lines += [f"✔ {name}" for name in self.indexed]
        lines += [f"＝ {name}: 이미 같은 내용으로 색인되어 있습니다 / already indexed with the same content"
                  for name in self.unchanged]
        lines += [f"✖ {refusal}" for refusal in self.refused]
        return lines


def document_name(raw: str) -> str:
    """The name an uploaded file is saved and indexed under: its base name (NFC, as a Mac's decomposed Hangul is not
    what staff type), without control characters or leading dots."""
    name = unicodedata.normalize("NFC", raw).replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return name.strip().lstrip(".").strip()


class Uploads:
    """Staff uploads into the service's index; the files are kept in data_dir/uploads."""

    def __init__(self, service: AssistantService, settings: Settings) -> None:
        self.folder = settings.data_dir / UPLOADS
        self.max_mb = settings.ui.max_upload_mb
        self._service = service

    def check(self, name: str, path: Path) -> Refusal | None:
        """Why a received file cannot be indexed before reading it (name, type, size), or None."""
        if not name:
            return Refusal(path.name, "파일 이름이 없습니다.", "the file has no name.")
        suffix = Path(name).suffix.lower()
        if suffix not in SUPPORTED_SUFFIXES:
            shown = suffix or "확장자 없음 / no extension"
            return Refusal(
                name, f"읽지 않는 파일 형식({shown})입니다. {_KINDS_KO} 파일만 올릴 수 있습니다.",
                f"file type '{suffix or 'none'}' is not read; upload {_KINDS_EN} files.",
            )
        try:
            size = path.stat().st_size
        except OSError:
            return Refusal(name, "파일을 받지 못했습니다. 다시 올려 주세요.", "the file did not arrive; upload it again.")
        if size > self.max_mb * 1024 * 1024:
            return Refusal(
                name, f"파일이 {size / 1048576:.1f} MB로, 한도 {self.max_mb:g} MB를 넘습니다.",
                f"the file is {size / 1048576:.1f} MB; the limit is {self.max_mb:g} MB.",
            )
        return None

    def upload(self, files: Sequence[Path], progress: Progress | None = None) -> UploadReport:
        """Check, save and index the received files (each named by its file name); UploadBusy while another upload
        is being indexed. progress is called after each file is indexed: (files done, files in all, the file)."""
        start = time.perf_counter()
        report = UploadReport()
        try:
            with self._one_at_a_time():
                staging = self.folder / _STAGING
                shutil.rmtree(staging, ignore_errors=True)  # what an interrupted upload left
                staging.mkdir()
                staged: dict[str, Path] = {}
                for received in map(Path, files):
                    name = document_name(received.name)
                    refusal = self.check(name, received) or self._stage(name, received, staging, staged)
                    if refusal:
                        report.refused.append(refusal)
                self._index(staged, report, progress)
                shutil.rmtree(staging, ignore_errors=True)
        except OSError as exc:  # the uploads folder itself: read-only, no permission, or a full disk
            report.refused += [Refusal(
                document_name(Path(f).name), f"업로드 폴더 {self.folder}에 저장할 수 없습니다.",
                f"the uploads folder {self.folder} cannot be written ({exc.strerror or exc}).",
            ) for f in files]
        report.seconds = time.perf_counter() - start
        return report

    @contextmanager
    def _one_at_a_time(self) -> Iterator[None]:
        # A file lock: it excludes uploads in other threads (each opens the file anew) and in other processes, and
        # the kernel releases it when the process ends, however it ends.
        self.folder.mkdir(parents=True, exist_ok=True)
        with open(self.folder / _LOCK, "a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise UploadBusy() from None
            yield  # closing the file releases the lock

    @staticmethod
    def _stage(name: str, received: Path, staging: Path, staged: dict[str, Path]) -> Refusal | None:
        if name in staged:
            return Refusal(name, "같은 이름의 파일이 이번 업로드에 또 있습니다.", "another file in this upload has the same name.")
        try:
            shutil.copyfile(received, staging / name)
        except OSError as exc:
            return Refusal(name, "파일을 저장하지 못했습니다.", f"the file could not be saved ({exc.strerror or exc}).")
        staged[name] = staging / name
        return None

    def _index(self, staged: dict[str, Path], report: UploadReport, progress: Progress | None) -> None:
        """Index the staged files one by one, each renamed into place as soon as it is indexed, so that a process
        killed in between never leaves an indexed document whose file the next upload would clear from staging."""
        for done, (name, path) in enumerate(staged.items(), start=1):
            try:
                ingested = self._service.ingest([path])
            except IndexNotWritable as exc:  # the index refuses every write: no file of this upload can be indexed
                report.refused += [Refusal(other, exc.ko, exc.en) for other in list(staged)[done - 1:]]
                return
            if ingested.failures:
                report.refused.append(Refusal(
                    name, "파일을 읽을 수 없어 색인하지 못했습니다(손상·암호·글자 없는 파일 등).",
                    f"could not be read: {ingested.failures[0].reason}",
                ))
            else:
                os.replace(path, self.folder / name)  # a rename: the saved copy is always a whole file
                (report.unchanged if ingested.unchanged else report.indexed).append(name)
                report.pages += ingested.pages
                report.chunks += ingested.chunks
            if progress:
                progress(done, len(staged), path)
