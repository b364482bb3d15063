"""The public chat: a chat over InquiryDesk.stream() with a sources panel. It renders events and holds no answer logic."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from typing import Any

import gradio as gr

from assistant.schema import Answer, Citation
from assistant.question import QuestionError
from assistant.answer import Delta
from assistant.pii import mask
from assistant.inquiries import InquiryDesk
from assistant.service import Answered, Retrieved

log = logging.getLogger(__name__)

TITLE = "중소기업 지원사업 도우미 · SME Support Assistant"
DESCRIPTION = (
    "정부 지원사업 문서에서 답을 찾아 출처(문서, 쪽, 인용문)와 함께 알려 드립니다.  \n"
    "Answers questions about government support programs from the indexed documents, with cited sources."
)
EXAMPLES = [
    "2030년까지 AI 팩토리를 몇 개 만드나요?",
    "How big is the DX innovation fund?",
    "우리 회사(경북, 제조업, 직원 45명)가 스마트공장 지원을 받을 수 있나요?",
    "창업 3년차 부산 제조업체인데 창업기반지원자금 받을 수 있나요?",
]
SOURCES_HEADING = "### 출처 / Sources"
SEARCHING = "문서를 찾는 중… / Searching…"
WRITING = "답을 작성하는 중… / Writing the answer…"
NO_SOURCES_YET = "질문을 하면 답의 근거가 된 문서와 인용문이 여기에 표시됩니다. / Sources for the latest answer appear here."
CLOSEST_SOURCE = "질문에 답하지는 않지만 가장 가까운 문단 / The closest passage (it does not answer the question):"
NO_SOURCE_ANSWERS = "제공된 문서 중 이 질문에 답하는 출처가 없습니다. / No indexed source answers this question."
SORRY = "죄송합니다. 질문을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요. / Sorry, something went wrong; please try again."
SHOWN_QUESTION_CHARS = 500
_INLINE_SPECIALS = re.compile(r"[\\`*_\[\]<>|~$]|&(?=#?\w+;)")
_LINE_START_SPECIALS = re.compile(r"^([ \t]*(?:\d+)?)([#+=.)-])", re.MULTILINE)  # headings, lists, rules

Message = dict[str, Any]
# (chat messages, sources Markdown, textbox value, the user's earlier messages as typed)
Update = tuple[list[Message], str, str, list[str]]
# Earlier messages kept per conversation: enough for the facts a user gives over a few turns.
KEPT_TURNS = 10


def escape(text: str) -> str:
    """Make untrusted text render literally in Markdown: backslash-escape HTML and Markdown syntax, nothing more.

    Backslashes rather than HTML entities keep the text readable where Gradio shows it raw (aria-labels, copy).
    """
    text = _INLINE_SPECIALS.sub(lambda m: "\\" + m.group(0), text)
    return _LINE_START_SPECIALS.sub(r"\1\\\2", text)


def found_status(count: int) -> str:
    """The status line after retrieval: how many passages were found."""
    if count == 0:
        return "관련 문단을 찾지 못했습니다. / No relevant passages found."
    return f"관련 문단 {count}개를 찾았습니다. 답을 정리하는 중… / Found {count} passages; writing the answer…"


def shown_question(question: str) -> str:
    """The user's question as shown in the chat: personal data masked, escaped, whitespace collapsed, very long
    text shortened."""
    text = mask(" ".join((question or "").split()))[0]
    if len(text) > SHOWN_QUESTION_CHARS:
        text = text[:SHOWN_QUESTION_CHARS] + "…"
    return escape(text)


def shown_answer(answer: Answer) -> str:
    """The answer as shown in the chat: its text, and its note (guidance not drawn from the documents) below."""
    return escape(answer.text) + (f"\n\n{escape(answer.note)}" if answer.note else "")


def render_citation(citation: Citation) -> str:
    """One source as Markdown: '[n] file — title, p.N · heading' and the quoted passage as a blockquote."""
    line = f"**\\[{citation.number}\\] {escape(citation.source)}**"
    if citation.title:
        line += f" — {escape(citation.title)}"
    if citation.page is not None:
        line += f", p.{citation.page}"
    if citation.heading:
        line += f" · {escape(citation.heading)}"
    quote = escape(" ".join(citation.snippet.split()))
    return f"{line}\n\n> {quote}"


def render_sources(answer: Answer | None, status: str = "") -> str:
    """The sources panel for the latest answer, or a status line while it is being written."""
    if answer is None:
        return f"{SOURCES_HEADING}\n\n{status or NO_SOURCES_YET}"
    if not answer.citations:
        return f"{SOURCES_HEADING}\n\n{NO_SOURCE_ANSWERS}"
    lead = [CLOSEST_SOURCE] if answer.abstained else []
    return "\n\n".join([SOURCES_HEADING, *lead, *(render_citation(c) for c in answer.citations)])


def footer(document_count: int) -> str:
    """The footer line: how many documents are indexed."""
    return f"색인된 문서 {document_count}개 / {document_count} documents indexed"


def _reply(history: list[Message], text: str) -> list[Message]:
    """A new message list: the history and the assistant's reply (or status) so far."""
    return [*history, {"role": "assistant", "content": text}]


def respond(
    desk: InquiryDesk, question: str, history: list[Message] | None, asked: list[str] | None = None
) -> Iterator[Update]:
    """Stream one turn: yields (chat messages, sources Markdown, textbox value, earlier messages) as the service's
    events arrive. asked: the user's earlier messages as typed (the chat shows them escaped); a cleared chat
    starts a new conversation."""
    history = list(history or [])
    earlier = list(asked or [])[-KEPT_TURNS:] if history else []
    kept = earlier
    if question and question.strip():
        history.append({"role": "user", "content": shown_question(question)})
        kept = [*earlier, mask(question)[0]]  # the conversation is kept without personal data
    yield _reply(history, SEARCHING), render_sources(None, SEARCHING), "", kept
    written = ""  # an answer being written (LLM), shown as it grows; the final answer replaces it
    try:
        for event in desk.stream(question or "", earlier):
            if isinstance(event, Retrieved):
                status = found_status(len(event.hits))
                yield _reply(history, status), render_sources(None, status), "", kept
            elif isinstance(event, Delta):
                written += event.text
                yield _reply(history, escape(written)), render_sources(None, WRITING), "", kept
            elif isinstance(event, Answered):
                yield _reply(history, shown_answer(event.answer)), render_sources(event.answer), "", kept
    except QuestionError as exc:
        yield _reply(history, f"죄송합니다. {escape(str(exc))}"), render_sources(None), "", kept
    except Exception:  # the page must survive a failing backend; the details go to the log
        log.exception("answering failed")
        yield _reply(history, SORRY), render_sources(None), "", kept


def build_app(desk: InquiryDesk) -> gr.Blocks:
    """The chat's Gradio app; ui.server mounts it at the site's root."""
    with gr.Blocks(title="중소기업 지원사업 도우미 / SME Support Assistant", analytics_enabled=False) as app:
        gr.Markdown(f"# {TITLE}\n\n{DESCRIPTION}", elem_id="header")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3):
                chat = gr.Chatbot(
                    label="대화 / Chat", elem_id="chat", height=520, feedback_options=None,
                    latex_delimiters=[], buttons=["copy"],
                )
                with gr.Row(equal_height=True):
                    box = gr.Textbox(
                        show_label=False, container=False, placeholder="질문을 입력하세요 / Ask a question", elem_id="question",
                        scale=5, lines=1, max_lines=4, autofocus=True,
                    )
                    send = gr.Button("보내기 / Send", variant="primary", elem_id="send", scale=1, min_width=120)
                gr.Examples(EXAMPLES, inputs=box, label="예시 질문 / Example questions")
            with gr.Column(scale=2):
                sources = gr.Markdown(render_sources(None), elem_id="sources", latex_delimiters=[], container=True, padding=True)
        gr.Markdown(lambda: footer(desk.service.document_count()), elem_id="footer")

        asked = gr.State([])

        def turn(question: str, history: list[Message], earlier: list[str]) -> Iterator[Update]:
            yield from respond(desk, question, history, earlier)

        for trigger in (box.submit, send.click):
            trigger(turn, inputs=[box, chat, asked], outputs=[chat, sources, box, asked], api_visibility="private")
    return app
