"""The sources panel: the documents, pages and quoted passages one answer used, each linked to the source view."""

from __future__ import annotations

import html

from assistant.schema import Answer, Citation

from .source_view import source_url
from .strings import text


def anchor(message: int | None, number: int) -> str:
    """The id of an answer's source entry, which the answer's [n] marker links to (unique per chat message)."""
    return f"src-{message}-{number}"


def render_sources(answer: Answer | None, language: str, message: int | None = None, status: str = "") -> str:
    """The panel for an answer (message: its index in the chat), or a status line while one is being written."""
    heading = f'<h2 class="sources-heading">{text("sources", language)}</h2>'
    if answer is None:
        body = f'<p class="sources-status">{html.escape(status or text("sources_empty", language))}</p>'
    elif not answer.citations:
        body = f'<p class="sources-status">{text("sources_none", language)}</p>'
    else:
        lead = f'<p class="sources-lead">{text("sources_closest", language)}</p>' if answer.abstained else ""
        entries = "".join(_entry(citation, language, message) for citation in answer.citations)
        body = f'{lead}<ol class="source-list">{entries}</ol>'
    return f'<section class="sources" aria-live="polite">{heading}{body}</section>'


def page_label(page: int | None, language: str) -> str:
    return text("page", language, page=page) if page is not None else ""


def _entry(citation: Citation, language: str, message: int | None) -> str:
    meta = " · ".join(html.escape(part) for part in (
        citation.source, page_label(citation.page, language), citation.heading) if part)
    link = html.escape(source_url(citation.source, citation.page, citation.snippet, language))
    return (
        f'<li class="source" id="{anchor(message, citation.number)}">'
        f'<div class="source-title"><span class="source-number">[{citation.number}]</span> '
        f"{html.escape(citation.title or citation.source)}</div>"
        f'<div class="source-meta">{meta}</div>'
        f'<blockquote class="source-quote"><mark>{html.escape(" ".join(citation.snippet.split()))}</mark></blockquote>'
        f'<a class="source-open" href="{link}" target="_blank" rel="noopener">{text("open_source", language)}</a>'
        "</li>"
    )
