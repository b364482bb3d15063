"""Render every corpus_src/*.md (except README.md) into corpus/NAME.pdf.

Usage: .venv/bin/python corpus_src/build_pdfs.py

Only the standard library and reportlab are used. The Korean CID font HYSMyeongJo-Medium ships with
reportlab (no font file is embedded), and pypdf extracts its text back as Unicode. The Markdown subset
understood here is what the corpus sources use: '# ' title, '## ' section headings, blank-line separated
paragraphs (one paragraph per source line), '- ' bullets. Output is byte-for-byte reproducible
(invariant mode), so rebuilding without source changes leaves the PDFs unchanged.
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


def parse(markdown: str) -> tuple[str, list[tuple[str, str]]]:
    """Return the title and a list of blocks: ('heading', text) or ('para', text)."""
    title = ""
    blocks: list[tuple[str, str]] = []
    for raw in markdown.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("# ") and not title:
            title = line[2:].strip()
        elif line.startswith("## "):
            blocks.append(("heading", line[3:].strip()))
        elif line.startswith("- "):
            blocks.append(("para", "· " + line[2:].strip()))
        else:
            blocks.append(("para", line.replace("**", "")))
    if not title:
        raise ValueError("the Markdown source has no '# Title' line")
    return title, blocks


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

    def line(self, text: str, size: float, leading: float) -> None:
        if self.room() < leading:
            self.new_page()
        self.y -= leading
        self.c.setFont(FONT, size)
        self.c.drawString(MARGIN_X, self.y, text)

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
        for part in wrap(text, BODY_SIZE):
            self.line(part, BODY_SIZE, BODY_LEADING)
        self.y -= PARAGRAPH_GAP

    def close(self) -> int:
        self.footer()
        self.c.showPage()
        self.c.save()
        return self.page


def build(src: Path, out_dir: Path = OUT_DIR) -> tuple[Path, int]:
    title, blocks = parse(src.read_text(encoding="utf-8"))
    out = out_dir / f"{src.stem}.pdf"
    writer = Writer(out, title)
    writer.title(title)
    for kind, text in blocks:
        if kind == "heading":
            writer.heading(text)
        else:
            writer.paragraph(text)
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
