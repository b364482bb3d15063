"""Read supported files into pages of clean text, or say plainly why a file cannot be read."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from .config import IngestSettings
from .schema import FileFailure, Page
from .text import clean

SUPPORTED_SUFFIXES = (".pdf", ".hwp", ".hwpx", ".md", ".markdown", ".txt")
# Characters that appear when a PDF's font encoding was decoded wrongly: private use area, replacement char.
_GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd\ud800-\udfff]")
_TEXT_ENCODINGS = ("utf-8-sig", "cp949")


class IngestError(Exception):
    """A file that cannot be indexed; the message says why in words a user can act on."""


def find_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Expand folders into the supported files below them (sorted), each with its document name: its path inside
    the folder ('2026/공고.pdf'), or for a file given directly its file name."""
    found: list[tuple[Path, str]] = []
    for path in paths:
        if path.is_dir():
            found.extend((p, name) for p, name in _folder_files(path) if p.suffix.lower() in SUPPORTED_SUFFIXES)
        else:
            found.append((path, path.name))
    return found


def unread_files(paths: Iterable[Path]) -> list[FileFailure]:
    """The files inside the given folders whose type is not read, each with the reason, so a user sees what an
    ingest left out (a file given directly is never listed here: reading it fails with the same reason)."""
    return [
        FileFailure(str(p), f"file type '{p.suffix.lower() or p.name}' is not read; supported: {', '.join(SUPPORTED_SUFFIXES)}")
        for path in paths if path.is_dir()
        for p, _ in _folder_files(path) if p.suffix.lower() not in SUPPORTED_SUFFIXES
    ]


def _folder_files(folder: Path) -> list[tuple[Path, str]]:
    """Every file below the folder (sorted) with its path inside it; hidden files and folders ('.git') are left out."""
    return [
        (p, p.relative_to(folder).as_posix()) for p in sorted(folder.rglob("*"))
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(folder).parts)
    ]


def load_file(path: Path, limits: IngestSettings, name: str | None = None) -> list[Page]:
    """Read one file into pages of the document called name (default: the file name); raise IngestError when it
    is missing, too large, empty, damaged or unreadable."""
    if not path.is_file():
        raise IngestError("file not found")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise IngestError(f"unsupported file type '{suffix or path.name}'; supported: {', '.join(SUPPORTED_SUFFIXES)}")
    size = path.stat().st_size
    if size == 0:
        raise IngestError("the file is empty")
    if size > limits.max_file_mb * 1024 * 1024:
        raise IngestError(f"the file is {size / 1048576:.1f} MB; the limit is {limits.max_file_mb:g} MB")
    data = path.read_bytes()
    if suffix == ".pdf":
        pages = _read_pdf(path, data, limits)
    elif suffix in (".hwp", ".hwpx"):
        from .hwp import read_hwp  # hwp imports IngestError from here

        pages = read_hwp(path, data)
    else:
        pages = _read_text(path, data)
    if not any(p.text.strip() for p in pages):
        hint = " (a scanned PDF needs OCR first)" if suffix == ".pdf" else ""
        raise IngestError(f"no text could be extracted{hint}")
    return [replace(p, source=name) for p in pages] if name else pages


def _read_text(path: Path, data: bytes) -> list[Page]:
    if data.startswith(b"%PDF"):
        raise IngestError(f"the file is a PDF but is named '{path.name}'; rename it to .pdf")
    if b"\x00" in data[:4096]:
        raise IngestError("the file is binary, not text")
    for encoding in _TEXT_ENCODINGS:
        try:
            text = clean(data.decode(encoding))
            break
        except UnicodeDecodeError:
            continue
    else:
        raise IngestError("the text is neither UTF-8 nor CP949/EUC-KR")
    return [Page(source=path.name, page=None, text=text, title=_first_line_title(text, path))]


def _first_line_title(text: str, path: Path) -> str:
    for line in text.splitlines():
        line = line.strip().lstrip("#").strip()
        if line:
            return line[:120]
    return path.stem


@contextmanager
def _pypdf_warnings() -> Iterator[list[str]]:
    """Collect what pypdf logs while reading, so undecodable fonts are noticed instead of indexed as nonsense."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("pypdf")
    handler = _Collect(level=logging.WARNING)
    logger.addHandler(handler)
    try:
        yield messages
    finally:
        logger.removeHandler(handler)


def _read_pdf(path: Path, data: bytes, limits: IngestSettings) -> list[Page]:
    from io import BytesIO

    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    if not data.lstrip()[:1024].startswith(b"%PDF"):
        raise IngestError("the file is named .pdf but is not a PDF")
    try:
        reader = PdfReader(BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise IngestError("the PDF is password-protected; remove the password and upload it again")
        count = len(reader.pages)
    except IngestError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise IngestError(f"the PDF is damaged and cannot be read ({exc.__class__.__name__}: {exc})") from exc
    except Exception as exc:  # pypdf raises many internal types on broken files; none may stop a batch
        raise IngestError(f"the PDF could not be parsed ({exc.__class__.__name__}: {exc})") from exc
    if count > limits.max_pages:
        raise IngestError(f"the PDF has {count} pages; the limit is {limits.max_pages}")
    title = _pdf_title(reader) or path.stem
    pages, garbled = [], []
    for number, page in enumerate(reader.pages, start=1):
        with _pypdf_warnings() as warnings:
            try:
                raw = page.extract_text() or ""
            except Exception as exc:  # one broken page must not hide the others' reason
                raise IngestError(f"page {number} could not be read ({exc.__class__.__name__})") from exc
        if _is_garbled(raw, warnings):
            raw = _decode_ksc_page(page, reader)
            if raw is None:
                garbled.append(number)
                continue
        pages.append(Page(source=path.name, page=number, text=clean(raw), title=title))
    if garbled:
        raise IngestError(
            f"the text of page(s) {', '.join(map(str, garbled))} uses a font encoding that cannot be decoded "
            "(e.g. a CJK CMap such as KSC-Johab-H without Unicode mapping); "
            "export the PDF again with embedded Unicode fonts"
        )
    if pages and title == path.stem:
        title = _first_line_title(pages[0].text, path)
        pages = [Page(p.source, p.page, p.text, title) for p in pages]
    return pages


def _pdf_title(reader) -> str:
    try:
        title = (reader.metadata or {}).get("/Title")
    except Exception:  # broken metadata is not worth failing the file
        return ""
    title = clean(str(title)).strip() if title else ""
    # PDF writers fill in placeholders such as 'untitled' when the author set no title.
    return "" if title.lower() in {"untitled", "(anonymous)", "anonymous"} else title


def _decode_ksc_page(page, reader) -> str | None:
    """Text of a page pypdf garbled, read straight from its KSC-encoded strings; None when that is not possible."""
    from .pdf_cjk import extract_ksc_text, uses_ksc_font  # imports pypdf, which stays lazy as in _read_pdf

    try:
        if not uses_ksc_font(page):
            return None
        text = clean(extract_ksc_text(page, reader))
    except Exception:  # a fallback on an odd file must end in the clear refusal, never in a crash
        return None
    # Undecodable bytes are still U+FFFD here so the garbage check can tell wrongly-guessed bytes from a few strays.
    if not text.strip() or _is_garbled(text, []):
        return None
    return text.replace("\ufffd", "")


def _is_garbled(text: str, warnings: list[str]) -> bool:
    if any("encoding" in w.lower() and "not implemented" in w.lower() for w in warnings):
        return True
    visible = [c for c in text if not c.isspace()]
    return bool(visible) and len(_GARBAGE.findall(text)) / len(visible) > 0.02
