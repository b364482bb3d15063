"""Render Markdown notice sources (corpus_src/<stem>.md) into Hangul documents: corpus/<stem>.hwpx or corpus/<stem>.hwp.

Usage:
    .venv/bin/python corpus_src/build_hwp.py corpus_src/X.md --format hwpx
    .venv/bin/python corpus_src/build_hwp.py corpus_src/X.md corpus_src/Y.md --format hwp
    .venv/bin/python corpus_src/build_hwp.py corpus_src/X.md --format hwpx --out-dir /tmp/out

The Markdown subset is the one build_pdfs.py reads: the first '# ' line is the title, '## ' lines are section
headings, every other non-empty line is one paragraph (notice markers '□', '○', '-', '·', '※' at its start get
the indentation a Korean notice gives them, wrapped lines hanging under the text), '**' is dropped, and pipe
tables ('| a | b |' rows, the second row '| --- | --- |') become real ruled tables with a shaded, bold header row.
Headings are bold paragraphs, not Hangul outline paragraphs: the sources number their headings themselves
('1. 개요'), and an outline paragraph would get a second, automatic number.

python-hwpx (a dependency of the assistant) writes both formats: HWPX as an OWPML package, HWP 5 as an OLE
compound file with FileHeader, DocInfo and zlib-compressed BodyText/Section0 records. The files read back with
python-hwpx and with unhwp, an independent reader (docs/hwp-readers.md).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

SRC_DIR = Path(__file__).resolve().parent
OUT_DIR = SRC_DIR.parent / "corpus"
sys.path.insert(0, str(SRC_DIR))  # build_pdfs.py beside this script reads the same Markdown subset
from build_pdfs import parse as parse_markdown  # noqa: E402

TITLE_PT, HEADING_PT, BODY_PT, TABLE_PT = 17, 13, 11, 10
HEADER_SHADE = "#D9D9D9"
# Left indent of a paragraph (mm) by its leading marker, and how far wrapped lines hang in under the text.
MARKER_INDENT_MM = {"□": 0.0, "■": 0.0, "○": 3.5, "※": 3.5, "-": 7.0, "·": 7.0}
HANG_MM = 4.0


def parse(markdown: str) -> tuple[str, list[tuple[str, object]]]:
    """The title and the blocks, read as build_pdfs.py reads them; a table must have the same number of cells in
    every row, since a Hangul table is a grid."""
    title, blocks = parse_markdown(markdown)
    for kind, rows in blocks:
        if kind == "table" and len({len(r) for r in rows}) != 1:  # type: ignore[union-attr]
            raise ValueError(f"a table's rows have different numbers of cells: {rows[0]}")  # type: ignore[index]
    return title, blocks


class _Notice:
    """A new Hangul document written paragraph by paragraph in the style of a ministry notice."""

    def __init__(self) -> None:
        from hwpx import HwpxDocument

        self.doc = HwpxDocument.new()
        styles = self.doc.styles
        self.title_run = styles.ensure_run(bold=True, size=TITLE_PT)
        self.heading_run = styles.ensure_run(bold=True, size=HEADING_PT)
        self.body_run = styles.ensure_run(size=BODY_PT)
        self.cell_run = styles.ensure_run(size=TABLE_PT)
        self.header_run = styles.ensure_run(bold=True, size=TABLE_PT)
        # HwpxDocument.new() starts with one empty paragraph; the title takes its place.
        self.first = self.doc.sections[0].paragraphs[0]

    def _paragraph(self, text: str, run: str):
        if self.first is not None:
            paragraph, self.first = self.first, None
            paragraph.char_pr_id_ref = run
            paragraph.add_run(text, char_pr_id_ref=run)
            return paragraph
        # Body style and no inherited outline numbering: every paragraph states its own look.
        return self.doc.add_paragraph(text, style="바탕글", char_pr_id_ref=run, inherit_style=False)

    def title(self, text: str) -> None:
        paragraph = self._paragraph(text, self.title_run)
        self.doc.styles.apply_paragraph_format(paragraphs=[paragraph], alignment="CENTER", spacing_after_pt=14)

    def heading(self, text: str) -> None:
        paragraph = self._paragraph(text, self.heading_run)
        self.doc.styles.apply_paragraph_format(
            paragraphs=[paragraph], spacing_before_pt=12, spacing_after_pt=4, keep_with_next=True
        )

    def para(self, text: str) -> None:
        paragraph = self._paragraph(text, self.body_run)
        marker = text.split(" ", 1)[0]
        if marker in MARKER_INDENT_MM and " " in text:
            self.doc.styles.apply_paragraph_format(
                paragraphs=[paragraph], indent_left_mm=MARKER_INDENT_MM[marker] + HANG_MM,
                first_line_indent_mm=-HANG_MM, spacing_after_pt=3,
            )
        else:
            self.doc.styles.apply_paragraph_format(paragraphs=[paragraph], spacing_after_pt=3)

    def table(self, rows: list[list[str]]) -> None:
        table = self.doc.add_table(len(rows), len(rows[0]))
        # Columns as wide as their longest cell, within limits, so a label column stays narrow.
        table.set_column_widths([min(max(4, *(len(r[c]) for r in rows)), 40) for c in range(len(rows[0]))])
        for r, cells in enumerate(rows):
            for c, text in enumerate(cells):
                table.set_cell_text(r, c, text)
                for paragraph in table.cell(r, c).paragraphs:
                    for run in paragraph.runs:
                        run.char_pr_id_ref = self.header_run if r == 0 else self.cell_run
                if r == 0:
                    table.set_cell_shading(r, c, HEADER_SHADE)
        # A table's anchor paragraph ends the table; an empty paragraph after it keeps the next text apart.
        self.doc.add_paragraph("", style="바탕글", inherit_style=False)


def build(src: Path, fmt: str, out_dir: Path = OUT_DIR) -> Path:
    """Write out_dir/<stem>.<fmt> from the Markdown source and return its path."""
    if fmt not in ("hwpx", "hwp"):
        raise ValueError(f"unknown format '{fmt}'; use hwpx or hwp")
    title, blocks = parse(src.read_text(encoding="utf-8"))
    notice = _Notice()
    notice.title(title)
    for kind, content in blocks:
        getattr(notice, kind)(content)
    out_dir.mkdir(parents=True, exist_ok=True)
    out = out_dir / f"{src.stem}.{fmt}"
    notice.doc.save_to_path(out)
    return out


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog=__doc__.split("\n\n")[1])
    parser.add_argument("sources", nargs="+", type=Path, help="Markdown notice sources (corpus_src/<stem>.md)")
    parser.add_argument("--format", choices=("hwpx", "hwp"), required=True, help="hwpx (OWPML package) or hwp (HWP 5)")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where to write <stem>.<format> (default: corpus/)")
    args = parser.parse_args(argv)
    for src in args.sources:
        try:
            out = build(src, args.format, args.out_dir)
        except (OSError, ValueError) as exc:
            print(f"{src}: {exc}", file=sys.stderr)
            return 1
        print(f"{src.name} -> {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
