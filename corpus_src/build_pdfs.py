"""Render every corpus_src/*.md (except README.md) into corpus/NAME.pdf.

Usage: .venv/bin/python corpus_src/build_pdfs.py

Only the standard library and reportlab are used. The Korean CID font HYSMyeongJo-Medium ships with
reportlab (no font file is embedded), and pypdf extracts its text back as Unicode. The Markdown subset
understood here is what the corpus sources use: '# ' title, '## ' section headings, blank-line separated
paragraphs (one paragraph per source line), notice-style markers at the start of a paragraph ('□', '○', '- ',
'※', drawn with the indentation a Korean notice gives them; wrapped lines hang under the text), and pipe
tables ('| a | b |' rows, the second row '| --- | --- |'), drawn as ruled tables. Output is byte-for-byte
reproducible (invariant mode), so rebuilding without source changes leaves the PDFs unchanged.

Tables: one text object per visual row line, so a PDF text extractor returns a row whose cells fit their
columns as one line (cells separated by a space, which is drawn after each cell that has a neighbour). A cell too long for its column wraps inside the column; only
the last column should hold long text if a row is to be quoted (the checker compares a quoted row with the
extracted text as its cells joined by spaces).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

FONT = "HYSMyeongJo-Medium"
PAGE_W, PAGE_H = A4
MARGIN_X = 50
MARGIN_TOP = 60
MARGIN_BOTTOM = 64
TEXT_W = PAGE_W - 2 * MARGIN_X

TITLE_SIZE, TITLE_LEADING = 17, 26
HEADING_SIZE, HEADING_LEADING = 13, 22
BODY_SIZE, BODY_LEADING = 9.5, 19
PARAGRAPH_GAP = 4
HEADING_GAP_BEFORE = 10
FOOTER_SIZE = 9
TABLE_SIZE, TABLE_LEADING = 9, 14
CELL_PAD_X, CELL_PAD_Y = 4, 4

# Notice-style paragraph markers and their indentation (points from the left margin).
MARKER_INDENT = {"□": 0, "■": 0, "○": 10, "※": 10, "-": 22, "·": 22}

SRC_DIR = Path(__file__).resolve().parent
OUT_DIR = SRC_DIR.parent / "corpus"


def width(text: str, size: float) -> float:
    return pdfmetrics.stringWidth(text, FONT, size)


def greedy_wrap(text: str, size: float, max_width: float = TEXT_W) -> list[str]:
    """Greedy word wrap by measured width, breaking at spaces; over-long words are cut by characters."""
    lines: list[str] = []
    current = ""
    for word in text.split(" "):
        if not word:
            continue
        candidate = f"{current} {word}" if current else word
        if width(candidate, size) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
            current = ""
        while width(word, size) > max_width:  # e.g. a long URL: cut it where it stops fitting
            cut = len(word)
            while cut > 1 and width(word[:cut], size) > max_width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current:
        lines.append(current)
    return lines


# Text extracted from a PDF comes back one visual line at a time, and heading detectors commonly treat a short
# line without final punctuation that is followed by a longer line as a heading. A wrapped body line must not
# look like that, so when a non-final line is short (<= SHORT_LINE characters) the next line is kept no longer.
SHORT_LINE = 60
_SENTENCE_FINAL = re.compile(r"[.!?。:;,)\]]$|[다요음함됨]\.?$")


def wrap(text: str, size: float, max_width: float = TEXT_W) -> list[str]:
    """Word wrap by measured width, then move words down so no wrapped line reads like a heading."""
    lines = greedy_wrap(text, size, max_width)
    i = 0
    while i < len(lines) - 1:
        here, after = lines[i], lines[i + 1]
        looks_like_heading = len(here) <= SHORT_LINE and not _SENTENCE_FINAL.search(here) and len(after) > len(here)
        words = after.split(" ")
        if looks_like_heading and len(words) > 1:
            tail = " ".join([words[-1]] + lines[i + 2:])
            lines = lines[: i + 1] + [" ".join(words[:-1])] + greedy_wrap(tail, size, max_width)
            continue
        i += 1
    return lines


_TABLE_RULE = re.compile(r"^\|(\s*:?-{3,}:?\s*\|)+$")


def table_cells(row: str) -> list[str]:
    """The cells of a Markdown table row '| a | b |' -> ['a', 'b']."""
    return [c.strip().replace("**", "") for c in row.strip().strip("|").split("|")]


def parse(markdown: str) -> tuple[str, list[tuple[str, object]]]:
    """Return the title and a list of blocks: ('heading', text), ('para', text) or ('table', [row cells, …])."""
    title = ""
    blocks: list[tuple[str, object]] = []
    in_table = False  # the previous line was a table row: a row directly below it continues that table
    for raw in markdown.splitlines():
        line = raw.strip()
        if line.startswith("|"):
            if not _TABLE_RULE.match(line.replace(" ", "")):
                if in_table:
                    blocks[-1][1].append(table_cells(line))  # type: ignore[union-attr]
                else:
                    blocks.append(("table", [table_cells(line)]))
            in_table = True
            continue
        in_table = False
        if not line:
            continue
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            blocks.append(("heading", line[3:].strip()))
        else:
            blocks.append(("para", line.replace("**", "")))
    if not title:
        raise ValueError("the Markdown source has no '# Title' line")
    return title, blocks


def marker_indent(text: str) -> tuple[float, float]:
    """(indent of the first line, indent of wrapped lines) for a paragraph, from its leading marker."""
    first = text.split(" ", 1)[0]
    if first in MARKER_INDENT and " " in text:
        indent = MARKER_INDENT[first]
        return indent, indent + width(first + " ", BODY_SIZE)
    return 0, 0


class Writer:
    """Lay out lines top to bottom on A4 pages with a '- N -' footer on each page."""

    def __init__(self, path: Path, title: str):
        self.c = canvas.Canvas(str(path), pagesize=A4, invariant=1)
        self.c.setTitle(title)
        self.c.setAuthor("corpus_src/build_pdfs.py")
        self.c.setSubject("Public-source summary for the SME support assistant corpus")
        self.page = 1
        self.y = PAGE_H - MARGIN_TOP

    def room(self) -> float:
        return self.y - MARGIN_BOTTOM

    def new_page(self) -> None:
        self.footer()
        self.c.showPage()
        self.page += 1
        self.y = PAGE_H - MARGIN_TOP

    def footer(self) -> None:
        self.c.setFont(FONT, FOOTER_SIZE)
        self.c.drawCentredString(PAGE_W / 2, MARGIN_BOTTOM / 2, f"- {self.page} -")

    def line(self, text: str, size: float, leading: float, indent: float = 0) -> None:
        if self.room() < leading:
            self.new_page()
        self.y -= leading
        self.c.setFont(FONT, size)
        self.c.drawString(MARGIN_X + indent, self.y, text)

    def title(self, text: str) -> None:
        for part in wrap(text, TITLE_SIZE):
            self.line(part, TITLE_SIZE, TITLE_LEADING)
        self.y -= PARAGRAPH_GAP

    def heading(self, text: str) -> None:
        lines = wrap(text, HEADING_SIZE)
        # keep a heading together with at least two lines of its section
        needed = HEADING_GAP_BEFORE + len(lines) * HEADING_LEADING + 2 * BODY_LEADING
        if self.room() < needed:
            self.new_page()
        elif self.y < PAGE_H - MARGIN_TOP:
            self.y -= HEADING_GAP_BEFORE
        for part in lines:
            self.line(part, HEADING_SIZE, HEADING_LEADING)

    def paragraph(self, text: str) -> None:
        first, hang = marker_indent(text)
        parts = wrap(text, BODY_SIZE, TEXT_W - hang)
        for i, part in enumerate(parts):
            self.line(part, BODY_SIZE, BODY_LEADING, first if i == 0 else hang)
        self.y -= PARAGRAPH_GAP

    def table(self, rows: list[list[str]]) -> None:
        """A ruled table, the first row shaded as its header; a row never breaks across pages."""
        columns = max(len(r) for r in rows)
        rows = [r + [""] * (columns - len(r)) for r in rows]
        widths = column_widths(rows)
        self.y -= 2
        for index, row in enumerate(rows):
            cells = [greedy_wrap(cell, TABLE_SIZE, w - 2 * CELL_PAD_X) if cell else [] for cell, w in zip(row, widths)]
            height = max(1, max(len(c) for c in cells)) * TABLE_LEADING + 2 * CELL_PAD_Y
            if self.room() < height:
                self.new_page()
            top, bottom = self.y, self.y - height
            if index == 0:
                self.c.setFillGray(0.9)
                self.c.rect(MARGIN_X, bottom, sum(widths), height, stroke=0, fill=1)
                self.c.setFillGray(0)
            self.c.setLineWidth(0.6)
            self.c.line(MARGIN_X, top, MARGIN_X + sum(widths), top)
            self.c.line(MARGIN_X, bottom, MARGIN_X + sum(widths), bottom)
            x = MARGIN_X
            for w in widths:
                self.c.line(x, top, x, bottom)
                x += w
            self.c.line(x, top, x, bottom)
            for k in range(max(len(c) for c in cells)):
                baseline = top - CELL_PAD_Y - (k + 1) * TABLE_LEADING + 3.5
                text = self.c.beginText()
                text.setFont(FONT, TABLE_SIZE)
                x, start = MARGIN_X + CELL_PAD_X, None
                drawn = [(i, cell[k]) for i, cell in enumerate(cells) if k < len(cell)]
                for n, (i, part) in enumerate(drawn):
                    x = MARGIN_X + CELL_PAD_X + sum(widths[:i])
                    if start is None:
                        text.setTextOrigin(x, baseline)
                    else:
                        text.moveCursor(x - start, 0)
                    start = x
                    # an explicit (invisible) space after a cell that has a neighbour on its line, so text
                    # extraction separates the cells however close the text comes to the column rule
                    text.textOut(part + (" " if n < len(drawn) - 1 else ""))
                self.c.drawText(text)
            self.y = bottom
        self.y -= PARAGRAPH_GAP + 4

    def close(self) -> int:
        self.footer()
        self.c.showPage()
        self.c.save()
        return self.page


def column_widths(rows: list[list[str]]) -> list[float]:
    """Column widths that fill the text width: narrow columns keep their natural width, wide ones share the rest."""
    natural = [max(width(r[i], TABLE_SIZE) for r in rows) + 2 * CELL_PAD_X + 1 for i in range(len(rows[0]))]
    if sum(natural) <= TEXT_W:
        extra = TEXT_W - sum(natural)
        return [w + extra * w / sum(natural) for w in natural]
    fixed: dict[int, float] = {}
    while True:
        free = [i for i in range(len(natural)) if i not in fixed]
        share = (TEXT_W - sum(fixed.values())) / len(free)
        small = {i: natural[i] for i in free if natural[i] <= share}
        if not small:
            break
        fixed.update(small)
    rest = TEXT_W - sum(fixed.values())
    total = sum(natural[i] for i in free)
    return [fixed[i] if i in fixed else rest * natural[i] / total for i in range(len(natural))]


def build(src: Path, out_dir: Path = OUT_DIR) -> tuple[Path, int]:
    title, blocks = parse(src.read_text(encoding="utf-8"))
    out = out_dir / f"{src.stem}.pdf"
    writer = Writer(out, title)
    writer.title(title)
    for kind, text in blocks:
        if kind == "heading":
            writer.heading(text)  # type: ignore[arg-type]
        elif kind == "table":
            writer.table(text)  # type: ignore[arg-type]
        else:
            writer.paragraph(text)  # type: ignore[arg-type]
    return out, writer.close()


def main(argv: list[str]) -> int:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    sources = [Path(a) for a in argv] or sorted(p for p in SRC_DIR.glob("*.md") if p.name.lower() != "readme.md")
    if not sources:
        print("no Markdown sources found", file=sys.stderr)
        return 1
    for src in sources:
        out, pages = build(src)
        print(f"{src.name} -> {out.relative_to(OUT_DIR.parent)} ({pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
