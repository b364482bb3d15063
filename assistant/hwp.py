"""Read Hangul word-processor files (HWP 5 binary and HWPX) into a page of clean text with Markdown tables.

python-hwpx reads both formats into one document model (an .hwp is converted to the HWPX model on opening);
docs/hwp-readers.md says why it was chosen over unhwp. Only its stable model members are used: sections,
paragraphs and their text, tables with their cells' addresses and spans, footnotes and endnotes.
"""

from __future__ import annotations

import io
import logging
import re
import warnings
import zipfile
from pathlib import Path

from .ingest import IngestError
from .schema import Page
from .text import clean

# python-hwpx logs how it worked around a package quirk (a missing rootfile, a renamed section); a user can do
# nothing about that, so it must not print on the console. Records still reach any handler the application sets.
logging.getLogger("hwpx").addHandler(logging.NullHandler())

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP_MAGIC = b"PK\x03\x04"
_HWP3_SIGNATURE = b"HWP Document File V3"
# Symbol-font bullets of Hangul land in the private use area; a few are noise, many mean the text is not Unicode.
_GARBAGE = re.compile(r"[\ue000-\uf8ff\ufffd]")
_ACTION = "open it in Hangul (한글), save it again as .hwpx or .hwp and upload that file"
_FRESH_COPY = "it may be truncated: download or copy it again"


def read_hwp(path: Path, data: bytes) -> list[Page]:
    """The text of an .hwp or .hwpx file as one page (page=None: a word-processor file has no fixed pages), tables
    as Markdown pipe tables; raise IngestError with the reason when the file cannot be read."""
    _check_container(path, data)
    text = "\n".join(_extract_lines(data))
    visible = [c for c in text if not c.isspace()]
    if visible and len(_GARBAGE.findall(text)) / len(visible) > 0.02:
        raise IngestError(
            "the text of the document is mostly symbols that are not Unicode characters (an old font encoding); "
            f"{_ACTION}"
        )
    text = _GARBAGE.sub("", text)
    return [Page(source=path.name, page=None, text=text, title=_title(text, path))]


def _check_container(path: Path, data: bytes) -> None:
    """Refuse what is not an HWP 5 or HWPX file, and an HWPX whose parts are encrypted, before parsing it."""
    if data.startswith(_OLE_MAGIC):
        return
    if data.startswith(_HWP3_SIGNATURE):
        raise IngestError(f"the file is an HWP 3.x document, which is not read; {_ACTION}")
    if data.startswith(b"%PDF"):
        raise IngestError(f"the file is a PDF but is named '{path.name}'; rename it to .pdf")
    if not data.startswith(_ZIP_MAGIC):
        raise IngestError(f"the file is named {path.suffix.lower()} but is not an HWP or HWPX document")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            mimetype = package.read("mimetype").strip() if "mimetype" in package.namelist() else b""
            manifest = package.read("META-INF/manifest.xml") if "META-INF/manifest.xml" in package.namelist() else b""
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise IngestError(
            f"the HWPX file is damaged and cannot be read ({exc.__class__.__name__}: {exc}); {_FRESH_COPY}"
        ) from exc
    if mimetype != b"application/hwp+zip":
        raise IngestError("the file is a ZIP archive but not an HWPX document (is it a renamed .docx, .xlsx or .zip?)")
    # Hangul encrypts a password-protected HWPX part by part and declares each in the ODF manifest.
    if b"encryption-data" in manifest:
        raise IngestError("the HWPX file is password-protected; remove the password in Hangul and upload it again")


def _extract_lines(data: bytes) -> list[str]:
    from hwpx import HwpxDocument
    from hwpx.errors import Hwp5Error

    try:
        with warnings.catch_warnings():
            # Opening an .hwp warns about content the model does not carry (pictures, equations): not text.
            warnings.simplefilter("ignore")
            document = HwpxDocument.open(data)
        try:
            return [line for section in document.sections for line in _paragraph_lines(section.paragraphs)]
        finally:
            document.close()
    except Hwp5Error as exc:
        raise IngestError(_hwp5_reason(exc)) from exc
    except Exception as exc:  # the parsers raise zip, XML and their own errors on broken files; none may stop a batch
        kind = "HWP" if data.startswith(_OLE_MAGIC) else "HWPX"
        raise IngestError(
            f"the {kind} file is damaged and cannot be read ({exc.__class__.__name__}: {exc}); {_FRESH_COPY}"
        ) from exc


def _hwp5_reason(exc) -> str:
    """What to tell the user for an hwpx.errors.Hwp5Error, by its documented code."""
    code = exc.code
    if code == "hwp5-password":
        return "the HWP file is password-protected; remove the password in Hangul and upload it again"
    if code in ("hwp5-distribution", "hwp5-drm"):
        return (
            "the HWP file is a distribution (배포용) or DRM-protected document whose text is encrypted; "
            "ask its publisher for an unprotected .hwp/.hwpx or a PDF"
        )
    if code == "hwp5-not-hwp5":
        return "the file is an OLE compound file (such as an old .doc or .xls) but not an HWP document"
    if code == "hwp5-version-unsupported":
        return f"the HWP format version is not read ({exc}); {_ACTION}"
    return f"the HWP file is damaged and cannot be read ({exc}); {_FRESH_COPY}"


def _paragraph_lines(paragraphs, flat: bool = False) -> list[str]:
    """One line per paragraph (soft line breaks kept), then its tables and its foot- and endnotes, in order;
    flat writes each table row as a plain line (for a table inside a table cell)."""
    lines: list[str] = []
    for paragraph in paragraphs:
        # clean() first: a control character it turns into a space must not be left at a line's start.
        lines.extend(line.strip() for line in clean(paragraph.text or "").splitlines() if line.strip())
        for table in paragraph.tables:
            rows = _table_rows(table)
            if flat:
                lines.extend(" ".join(" ".join(cell) for cell in cells if cell) for cells in rows)
            else:
                lines.extend(_table_lines(rows))
        for note in [*paragraph.footnotes, *paragraph.endnotes]:
            note_text = " ".join(clean(note.text or "").split())
            if note_text:
                lines.append(note_text)
    return lines


def _table_rows(table) -> list[list[list[str]]]:
    """The lines of each cell of the table's full grid. A cell spanning rows repeats its text in each row, so that
    every row read alone still says what it belongs to; a cell spanning columns is written once. Rows with no
    text are dropped."""
    grid: list[list[list[str]]] = [[[] for _ in range(table.column_count)] for _ in range(table.row_count)]
    for row in table.rows:
        for cell in row.cells:
            (r, c), (row_span, _) = cell.address, cell.span
            lines = _paragraph_lines(cell.paragraphs, flat=True)
            for below in range(r, min(r + row_span, len(grid))):
                if c < len(grid[below]):
                    grid[below][c] = lines
    return [cells for cells in grid if any(cells)]


def _table_lines(rows: list[list[list[str]]]) -> list[str]:
    """A Markdown pipe table (a cell's lines joined by spaces); a one-column table is a framed box of text in a
    notice, so its lines stay lines."""
    if not rows:
        return []
    if len(rows[0]) == 1:
        return [line for cells in rows for line in cells[0]]
    texts = [[" ".join(cell) for cell in cells] for cells in rows]
    lines = [_pipe_row(texts[0])]
    if len(texts) > 1:  # a lone row has no header: it stays a plain table row the reader can quote
        lines.append(_pipe_row(["---"] * len(texts[0])))
        lines.extend(_pipe_row(cells) for cells in texts[1:])
    return lines


def _pipe_row(cells: list[str]) -> str:
    # The chunker and reader split a row at every '|' (no escapes), so a pipe inside a cell becomes a slash.
    return "| " + " | ".join(cell.replace("|", "/") for cell in cells) + " |"


def _title(text: str, path: Path) -> str:
    for line in text.splitlines():
        if line.strip() and not line.startswith("|"):
            return line.strip()[:120]
    return path.stem
