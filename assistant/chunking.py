"""Cut pages into chunks that keep each section's heading with its text."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from .config import ChunkingSettings
from .schema import Chunk, Page
from .text import detect_language, split_sentences

_MD_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(.+?)\s*#*\s*$")
_NUMBERED_HEADING = re.compile(r"^\s*(\d{1,2}(\.\d{1,2})*\.?|[IVXⅠ-Ⅻ]+\.|[가-하]\.|[①-⑳]|제\s?\d+\s?[장절조])\s+\S")
_SENTENCE_FINAL = re.compile(r"[.!?。:;,)\]]$|[다요음함됨임]\.?$")
# Reference lists are not evidence: their lines are titles of other documents, not statements to quote.
_REFERENCE_HEADING = re.compile(r"^(출처|참고\s*(문헌|자료)?|sources?|references?|quellen?)\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
# Reference marks: a document's footnotes ('[5]', which would read as the answer's own citation markers) and an
# answer's citations.
FOOTNOTE = re.compile(r"\s*\[\d+\]")
_TABLE_RULE = re.compile(r"^\|?[\s:|-]+\|?$")
# A press release's closing list of attachments ('붙임  …공고문 1부.') names documents, it says nothing about them.
_ATTACHMENT = re.compile(r"^\s*(붙임|첨부|attachments?:|anlagen?:)", re.IGNORECASE)
MIN_SENTENCE_CHARS = 8
_PAGE_FOOTER = re.compile(r"^\s*(-\s*\d+\s*-|\d+\s*/\s*\d+|page \d+|\d+)\s*$", re.IGNORECASE)


@dataclass
class _Section:
    heading: str
    page: int | None
    lines: list[str] = field(default_factory=list)


def heading_of(line: str, next_line: str | None) -> str | None:
    """Return the heading text if the line is a heading (Markdown '#', numbered, or a short title line)."""
    match = _MD_HEADING.match(line)
    if match:
        return match.group(1).strip()
    stripped = line.strip()
    # A Markdown table's rows and rules are table, never headings.
    if not stripped or len(stripped) > 60 or next_line is None or stripped.endswith(".") or stripped.startswith("|"):
        return None
    # A numbered line ('1. 개요') is a heading whatever its last syllable; an unnumbered one must not read as a sentence
    # nor carry a figure (a table row of a PDF: 'AI 팩토리 500개 2030년까지').
    if _NUMBERED_HEADING.match(stripped) or (
        len(next_line.strip()) > len(stripped) and not _SENTENCE_FINAL.search(stripped) and not _DIGIT.search(stripped)
    ):
        return stripped.lstrip("■□●○◆◇▶ ")
    return None


def _sections(pages: Iterable[Page]) -> list[_Section]:
    sections: list[_Section] = []
    heading = ""
    for page in pages:
        lines = [ln for ln in page.text.splitlines() if not _PAGE_FOOTER.match(ln)]
        current = _Section(heading, page.page)
        sections.append(current)
        for i, line in enumerate(lines):
            following = next((ln for ln in lines[i + 1:] if ln.strip()), None)
            found = heading_of(line, following)
            if found is not None:
                heading = found
                current = _Section(heading, page.page)
                sections.append(current)
            else:
                current.lines.append(line)
    return [s for s in sections if "".join(s.lines).strip() and not _REFERENCE_HEADING.match(s.heading)]


def chunk_pages(pages: list[Page], settings: ChunkingSettings) -> list[Chunk]:
    """Split a document's pages into chunks; each chunk starts with its section heading and keeps its page."""
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    if not pages:
        return []
    splitter = RecursiveCharacterTextSplitter(
        chunk_size=settings.chunk_size,
        chunk_overlap=settings.chunk_overlap,
        separators=["\n\n", "\n", ". ", "다. ", "? ", " ", ""],
        keep_separator="end",
    )
    first = pages[0]
    chunks: list[Chunk] = []
    for section in _sections(pages):
        body = "\n".join(section.lines).strip()
        for piece in splitter.split_text(body):
            text = f"{section.heading}\n{piece.strip()}" if section.heading else piece.strip()
            chunks.append(
                Chunk(
                    text=text,
                    source=first.source,
                    page=section.page,
                    heading=section.heading,
                    title=first.title,
                    language=detect_language(piece),
                    position=len(chunks),
                )
            )
    return chunks


def join_chunks(chunks: list[Chunk]) -> str:
    """The text that chunks were cut from (one page's, in position order): each section's heading once, its pieces
    joined without the overlap neighbouring pieces share."""
    lines: list[str] = []
    heading, previous = None, ""
    for chunk in chunks:
        prefix = f"{chunk.heading}\n"
        body = chunk.text[len(prefix):] if chunk.heading and chunk.text.startswith(prefix) else chunk.text
        if chunk.heading != heading:
            heading, previous = chunk.heading, ""
            if heading:
                lines.append(heading)
        shared = _overlap(previous, body)
        if shared:
            lines[-1] += body[shared:]
        else:
            lines.append(body)
        previous = body
    return "\n".join(lines)


def _overlap(previous: str, following: str) -> int:
    """How many leading characters of a piece repeat the end of the piece before it (0 when none; a match of one
    character is taken for chance)."""
    for size in range(min(len(previous), len(following)), 1, -1):
        if previous.endswith(following[:size]):
            return size
    return 0


def without_footnotes(text: str) -> str:
    """The text without the reference marks ('[3]') pages carry: they are not part of any sentence."""
    return FOOTNOTE.sub("", text)


def sentence_pieces(chunk: Chunk) -> list[tuple[str, str]]:
    """A chunk's sentences as the reader reads them, each with what it needs to be understood: a Markdown table row
    loses its outer pipes and is led by its table's header row (the header and the rule under it are no sentences)."""
    body = chunk.text[len(chunk.heading) :] if chunk.heading and chunk.text.startswith(chunk.heading) else chunk.text
    found: list[tuple[str, str]] = []
    header = ""
    pieces = split_sentences(without_footnotes(body))
    for j, piece in enumerate(pieces):
        if _TABLE_RULE.match(piece):
            continue
        if not piece.startswith("|"):
            found.append((piece, ""))
            header = ""
            continue
        cells = " | ".join(cell.strip() for cell in piece.strip("|").split("|"))
        if j + 1 < len(pieces) and _TABLE_RULE.match(pieces[j + 1]):
            header = cells
        else:
            found.append((cells, header))
    return found


def is_quotable(sentence: str, chunk: Chunk) -> bool:
    """Whether a sentence of the chunk can be quoted as an answer (not a fragment, not the document's title, not a
    list of attachments)."""
    return len(sentence) >= MIN_SENTENCE_CHARS and sentence != chunk.title and not _ATTACHMENT.match(sentence)


def quotable_sentences(chunk: Chunk) -> list[str]:
    """The sentences of a chunk that the reader weighs as answers (and embeds)."""
    return [sentence for sentence, _ in sentence_pieces(chunk) if is_quotable(sentence, chunk)]
