"""Read the text of PDF pages drawn with predefined Korean CMaps (KSC-EUC-H and kin), which pypdf cannot decode.

Older Korean government PDFs show their text with a Type0 font whose /Encoding names a predefined CMap and that has
no /ToUnicode map. Under those CMaps the bytes of every shown string are EUC-KR (or its superset UHC/CP949) codes,
so the text is recovered by decoding those bytes directly instead of going through glyph ids.
"""

from __future__ import annotations

from pypdf.generic import ContentStream

# Predefined Adobe-Korea1 CMaps whose character codes are EUC-KR or its superset UHC; -V forms differ only in glyph
# orientation. KSC-H (7-bit) and KSC-Johab-H use other byte layouts and are deliberately not listed.
KSC_CMAPS = frozenset({
    "/KSC-EUC-H", "/KSC-EUC-V", "/KSCms-UHC-H", "/KSCms-UHC-V", "/KSCms-UHC-HW-H", "/KSCms-UHC-HW-V",
    "/KSCpc-EUC-H", "/KSCpc-EUC-V",
})
# Simple (one byte per code) fonts whose bytes mean WinAnsi/ASCII letters; Symbol-like or /Differences fonts do not.
_SIMPLE_SUBTYPES = frozenset({"/Type1", "/TrueType", "/MMType1"})
_LATIN_ENCODINGS = frozenset({"/WinAnsiEncoding", "/StandardEncoding"})
_SYMBOL_FONTS = frozenset({"/Symbol", "/ZapfDingbats"})
# A TJ adjustment is in thousandths of an em; a move left of more than 0.2 em is how writers space words.
_WORD_GAP = -200
# Positions closer than this (text space units) count as the same line.
_SAME_LINE = 0.5


def uses_ksc_font(page) -> bool:
    """True when any font in the page's resources has one of the KSC_CMAPS as its /Encoding."""
    return any(_encoding_name(font) in KSC_CMAPS for font in _page_fonts(page).values())


def extract_ksc_text(page, reader) -> str:
    """Return the page's text in content-stream order, one line per text line; undecodable bytes become U+FFFD so
    the caller can judge how much went wrong before dropping them."""
    contents = page.get_contents()
    if contents is None:
        return ""
    walker = _TextWalker(_page_fonts(page))
    for operands, operator in ContentStream(contents, reader).operations:
        walker.apply(operator, operands)
    return walker.text()


def _page_fonts(page) -> dict:
    resources = page.get("/Resources")
    fonts = resources.get_object().get("/Font") if resources is not None else None
    if fonts is None:
        return {}
    return {name: font.get_object() for name, font in fonts.get_object().items()}


def _encoding_name(font) -> str | None:
    encoding = font.get("/Encoding")
    encoding = encoding.get_object() if encoding is not None else None
    # A dictionary encoding (/Differences) or an embedded CMap stream is not a predefined name.
    return str(encoding) if isinstance(encoding, str) else None


def _codec_for(font) -> str | None:
    """The Python codec that turns this font's shown bytes into text, or None when only its glyph maps could."""
    if font is None:
        return None
    encoding = _encoding_name(font)
    if font.get("/Subtype") == "/Type0":
        return "cp949" if encoding in KSC_CMAPS else None
    # Other fonts on a KSC page (often Latin headings) are read only when their bytes plainly are ASCII/WinAnsi;
    # fonts with a /ToUnicode map, /Differences or symbol glyphs are skipped, as their text would need pypdf's
    # glyph mapping, which cannot be interleaved with this walk in reading order.
    latin = "/Encoding" not in font or encoding in _LATIN_ENCODINGS
    simple = font.get("/Subtype") in _SIMPLE_SUBTYPES and font.get("/BaseFont") not in _SYMBOL_FONTS
    return "cp1252" if latin and simple and "/ToUnicode" not in font else None


def _raw_bytes(operand) -> bytes:
    original = getattr(operand, "original_bytes", None)
    if original is not None:
        return bytes(original)
    return bytes(operand) if isinstance(operand, bytes) else str(operand).encode("latin-1")


class _TextWalker:
    """Follows the text state of a content stream (current font, line position) and collects decoded lines."""

    def __init__(self, fonts: dict) -> None:
        self.fonts = fonts
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.codec: str | None = None
        self.vertical = False
        # Position on the axis that lines advance along (y; x for vertical fonts) as last set by Tm; None once a
        # relative move or line break made it unknown (Td offsets are scaled by Tm, so they are not added up).
        self.line_pos: float | None = None

    def apply(self, operator: bytes, operands: list) -> None:
        """Update the state for one content-stream operation."""
        if operator in (b"BT", b"ET", b"T*"):
            self.newline(None)
        elif operator == b"Tf":
            self.set_font(operands[0])
        elif operator in (b"Td", b"TD"):
            self.move(float(operands[0]), float(operands[1]))
        elif operator == b"Tm":
            self.place(float(operands[4]), float(operands[5]))
        elif operator == b"Tj":
            self.show(operands[0])
        elif operator == b"TJ":
            self.show_array(operands[0])
        elif operator in (b"'", b'"'):
            self.newline(None)
            self.show(operands[-1])

    def set_font(self, name) -> None:
        font = self.fonts.get(name)
        self.codec = _codec_for(font)
        self.vertical = font is not None and (_encoding_name(font) or "").endswith("-V")

    def move(self, tx: float, ty: float) -> None:
        """Td/TD: a move across lines starts a new line; a move along the line (next cell, next glyph) does not."""
        across = tx if self.vertical else ty
        if abs(across) > _SAME_LINE:
            self.newline(None)

    def place(self, x: float, y: float) -> None:
        """Tm: a new absolute position starts a new line unless it stays on the current one."""
        across = x if self.vertical else y
        if self.line_pos is None or abs(across - self.line_pos) > _SAME_LINE:
            self.newline(across)
        self.line_pos = across

    def show(self, operand) -> None:
        if self.codec is not None and not isinstance(operand, (int, float)):
            self.parts.append(_raw_bytes(operand).decode(self.codec, errors="replace"))

    def show_array(self, items) -> None:
        for item in items:
            if isinstance(item, (int, float)):
                if item < _WORD_GAP and self.parts and not self.parts[-1].endswith(" "):
                    self.parts.append(" ")
            else:
                self.show(item)

    def newline(self, line_pos: float | None) -> None:
        if "".join(self.parts).strip():
            self.lines.append("".join(self.parts).strip())
        self.parts = []
        self.line_pos = line_pos

    def text(self) -> str:
        """All lines collected so far, the unfinished one included."""
        self.newline(None)
        return "\n".join(self.lines)
