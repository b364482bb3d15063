"""The source view (GET /source): a document's page as the index holds it, with the quoted passage highlighted.

Citations in the chat and the program table link here. Everything shown (the document's name and text, the quote
from the address) is escaped: a page never runs what a document or an address holds.
"""

from __future__ import annotations

import html
import re
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from assistant.service import AssistantService

from .strings import text

SOURCE_PATH = "/source"
MAX_QUOTE_CHARS = 2000
_PAGE_NUMBER = re.compile(r"[0-9]{1,6}")
# Snippets join the sentences they quote with ' … '; each is highlighted where it stands.
_QUOTE_PARTS = re.compile(r"\s*…\s*")

_STYLE = """
body { font-family: 'Noto Sans CJK KR', 'Noto Sans KR', 'Malgun Gothic', sans-serif; color: #0b0c0c; margin: 0;
       line-height: 1.6; }
main { max-width: 46rem; margin: 0 auto; padding: 1.25rem 1rem 3rem; }
a { color: #1d70b8; } a:focus { outline: 3px solid #ffdd00; background: #ffdd00; color: #0b0c0c; }
.caption { color: #505a5f; font-size: 1.05rem; margin: 1.5rem 0 .25rem; }
h1 { font-size: 1.75rem; line-height: 1.3; margin: 0 0 .5rem; }
.meta { color: #505a5f; margin: 0 0 1.5rem; overflow-wrap: anywhere; }
.notice { border-left: 5px solid #b1b4b6; padding: .5rem 0 .5rem 1rem; margin: 0 0 1.5rem; }
.page-text { white-space: pre-wrap; overflow-wrap: anywhere; border-top: 1px solid #b1b4b6; padding-top: 1rem;
             font-size: 1.05rem; }
mark { background: #ffdd00; color: #0b0c0c; padding: 0 .1em; box-shadow: 0 0 0 2px #ffdd00; scroll-margin-top: 30vh; }
"""

_PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title><style>{style}</style></head>
<body><main>
<p><a href="/">{back}</a></p>
{body}
</main></body></html>"""


def source_url(document: str, page: int | None, quote: str, language: str) -> str:
    """The address of a cited passage in the source view (it opens scrolled to the passage)."""
    query = {"doc": document, **({"page": str(page)} if page is not None else {}), "quote": quote[:MAX_QUOTE_CHARS]}
    return f"{SOURCE_PATH}?{urlencode(query | {'lang': language})}#passage"


def _squashed(text_: str) -> tuple[str, list[int]]:
    """The text lower-cased without whitespace, and where each of its characters stands in the text."""
    kept = [i for i, ch in enumerate(text_) if not ch.isspace()]
    return "".join(_lower(text_[i]) for i in kept), kept


def _lower(ch: str) -> str:
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch  # one character for one, so positions stay aligned


def highlight(page_text: str, quote: str) -> tuple[str, bool]:
    """The page as HTML (escaped) with each part of the quote in <mark>, matched ignoring case and whitespace (the
    first mark is #passage); and whether the quote was found."""
    squashed, where = _squashed(page_text)
    spans: list[tuple[int, int]] = []
    for part in _QUOTE_PARTS.split(quote):
        wanted = _squashed(part)[0]
        start = squashed.find(wanted) if len(wanted) > 1 else -1
        if start >= 0:
            spans.append((where[start], where[start + len(wanted) - 1] + 1))
    out, done = [], 0
    for start, end in sorted(spans):
        start = max(start, done)
        if start >= end:
            continue
        mark_id = "" if out else ' id="passage"'
        out += [html.escape(page_text[done:start]), f"<mark{mark_id}>", html.escape(page_text[start:end]), "</mark>"]
        done = end
    out.append(html.escape(page_text[done:]))
    return "".join(out), bool(spans)


def source_page(service: AssistantService, document: str, page: str, quote: str, language: str) -> tuple[str, int]:
    """The source view's HTML and status: the page with the passage marked, or a 404 page in Korean and English."""
    lang = "en" if language == "en" else "ko"
    quote = quote[:MAX_QUOTE_CHARS]
    valid_page = not page or _PAGE_NUMBER.fullmatch(page)
    found = service.page_text(document, int(page) if page else None) if valid_page else None
    if found is None:
        title = f"{text('not_found_title', 'ko')} / {text('not_found_title', 'en')}"
        name = html.escape(document)
        body = (
            f"<h1>{html.escape(title)}</h1>"
            f'<p>{text("not_found_text", "ko", document=name)}</p>'
            f'<p lang="en">{text("not_found_text", "en", document=name)}</p>'
            f'<p lang="en"><a href="/">{text("back_to_chat", "en")}</a></p>'
        )
        return _PAGE.format(lang="ko", title=html.escape(title), style=_STYLE, back=text("back_to_chat", "ko"),
                            body=body), 404
    marked, located = highlight(found.text, quote) if quote else (html.escape(found.text), True)
    where = text("page", lang, page=found.page) if found.page is not None else text("source_whole", lang)
    missing = "" if located else (
        f'<div class="notice"><p>{text("source_quote_missing", lang)}</p>'
        f"<blockquote>{html.escape(quote)}</blockquote></div>"
    )
    title = found.title or found.source
    body = (
        f'<p class="caption">{text("source_title", lang)}</p><h1>{html.escape(title)}</h1>'
        f'<p class="meta">{html.escape(found.source)} · {where}</p>{missing}<div class="page-text">{marked}</div>'
    )
    return _PAGE.format(lang=lang, title=f"{html.escape(title)} — {text('source_title', lang)}", style=_STYLE,
                        back=text("back_to_chat", lang), body=body), 200


def source_router(service: AssistantService) -> APIRouter:
    """The source view's route; ui.server registers it before the chat takes every other path."""
    router = APIRouter(include_in_schema=False)

    @router.get(SOURCE_PATH, response_class=HTMLResponse)
    def source(doc: str = "", page: str = "", quote: str = "", lang: str = "ko") -> HTMLResponse:
        content, status = source_page(service, doc, page, quote, lang)
        return HTMLResponse(content, status)

    return router
