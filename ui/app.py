"""The public chat's layout and wiring: chat with a sources panel and feedback, example questions, a company profile
with the programs it qualifies for, Korean first with an English switch. It renders what the desk yields."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any

import gradio as gr

from assistant.inquiries import InquiryDesk
from assistant.profile import Profile

from .chat import Message, Turn, View, respond, select
from .feedback import rate
from .profile_panel import ProfileError, ProfilePanel, facts, read_profile, render_programs
from .ratelimit import RateLimiter, client_address
from .sources import render_sources
from .strings import EXAMPLES, LANGUAGES, text
from .style import CSS

FIRST = "ko"
# After the sources panel shows a picked answer, scroll to the entry its [n] marker named (if one was clicked).
SCROLL_TO_TARGET = """() => {
    const id = decodeURIComponent(location.hash.slice(1));
    const target = id && document.getElementById(id);
    if (target) target.scrollIntoView({block: 'nearest'});
}"""


# Gradio's own toast for a full queue is English and comes from its bundled client (no hook or translation reaches
# it); the page rewrites it into the language chosen, as soon as it is shown.
QUEUE_FULL_SCRIPT = """<script>
(() => {
    const english = "This application is currently busy";
    const said = %s;
    const language = () => document.querySelector("#language input:checked")?.value === "en" ? "en" : "ko";
    const translate = (root) => {
        if (!root) return;
        const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
        for (let node = walker.currentNode; node; node = walker.nextNode()) {
            if (node.nodeType === Node.TEXT_NODE && node.nodeValue.includes(english)) node.nodeValue = said[language()];
        }
    };
    new MutationObserver((changes) => changes.forEach((change) => {
        if (change.type === "characterData") translate(change.target);
        change.addedNodes.forEach(translate);
    })).observe(document.documentElement, {childList: true, subtree: true, characterData: true});
})();
</script>"""


def queue_full_script() -> str:
    """The page's script that shows Gradio's full-queue toast in the page's language."""
    return QUEUE_FULL_SCRIPT % json.dumps({language: text("queue_full", language) for _, language in LANGUAGES})


def footer(language: str, document_count: int) -> str:
    return text("footer", language, count=document_count)


def build_app(desk: InquiryDesk, asks: RateLimiter) -> gr.Blocks:
    """The chat's Gradio app; ui.server mounts it at the site's root and sets its queue. asks: each client's
    questions, shared with the API."""
    labels: list[tuple[gr.components.Component, Callable[[str], Any]]] = []

    def labelled(component, update: Callable[[str], Any]):
        """Register how a component is shown in another language."""
        labels.append((component, update))
        return component

    lang = FIRST
    with gr.Blocks(title=f"{text('page_title', 'ko')} / {text('page_title', 'en')}", analytics_enabled=False) as app:
        with gr.Row(equal_height=False):
            with gr.Column(scale=4, min_width=280):
                labelled(gr.Markdown(text("header", lang), elem_id="header"), lambda l: gr.Markdown(text("header", l)))
            language = gr.Radio(LANGUAGES, value=lang, show_label=False, container=False, elem_id="language",
                                scale=1, min_width=180)
        with gr.Tabs(elem_id="tabs"):
            with gr.Tab(text("tab_chat", lang), id="chat-tab", elem_id="chat-tab") as chat_tab:
                labelled(chat_tab, lambda l: gr.Tab(label=text("tab_chat", l)))
                profile_note = gr.Markdown(visible=False, elem_id="profile-note")
                with gr.Row(equal_height=False):
                    with gr.Column(scale=3, min_width=340):
                        chat = labelled(gr.Chatbot(
                            label=text("chat", lang), placeholder=text("chat_placeholder", lang), elem_id="chat",
                            height="min(520px, 50vh)", feedback_options=None, latex_delimiters=[], buttons=["copy"],
                        ), lambda l: gr.Chatbot(label=text("chat", l), placeholder=text("chat_placeholder", l)))
                        with gr.Row(equal_height=True):
                            box = labelled(gr.Textbox(
                                show_label=False, container=False, placeholder=text("question", lang),
                                elem_id="question", scale=5, lines=1, max_lines=4, autofocus=True, min_width=120,
                            ), lambda l: gr.Textbox(placeholder=text("question", l)))
                            send = labelled(gr.Button(text("send", lang), variant="primary", elem_id="send", scale=1,
                                                      min_width=70), lambda l: gr.Button(text("send", l)))
                            new = labelled(gr.Button(text("new_chat", lang), elem_id="new-chat", scale=1, min_width=70),
                                           lambda l: gr.Button(text("new_chat", l)))
                    with gr.Column(scale=2, min_width=300):
                        sources = gr.HTML(render_sources(None, lang), elem_id="sources", head=f"<style>{CSS}</style>")
                        with gr.Column(visible=False, variant="panel", elem_id="feedback") as feedback:
                            labelled(gr.Markdown(f"**{text('feedback', lang)}**", padding=True),
                                     lambda l: gr.Markdown(f"**{text('feedback', l)}**"))
                            comment = labelled(gr.Textbox(
                                label=text("feedback_comment", lang), placeholder=text("feedback_hint", lang),
                                lines=2, max_length=2000, elem_id="feedback-comment",
                            ), lambda l: gr.Textbox(label=text("feedback_comment", l),
                                                    placeholder=text("feedback_hint", l)))
                            with gr.Row():
                                helpful = labelled(gr.Button(text("helpful", lang), elem_id="helpful", size="sm"),
                                                   lambda l: gr.Button(text("helpful", l)))
                                unhelpful = labelled(gr.Button(text("unhelpful", lang), elem_id="unhelpful", size="sm"),
                                                     lambda l: gr.Button(text("unhelpful", l)))
                            status = gr.Markdown(elem_id="feedback-status", padding=True)
                examples = labelled(gr.Dataset(
                    components=[box], samples=[[q] for q in EXAMPLES[lang]], label=text("examples", lang),
                    elem_id="examples",
                ), lambda l: gr.Dataset(samples=[[q] for q in EXAMPLES[l]], label=text("examples", l)))
            with gr.Tab(text("tab_programs", lang), id="programs-tab", elem_id="programs-tab") as programs_tab:
                labelled(programs_tab, lambda l: gr.Tab(label=text("tab_programs", l)))
                with gr.Row(equal_height=False):
                    with gr.Column(scale=2, min_width=300):
                        labelled(gr.Markdown(_profile_heading(lang), elem_id="profile-heading"),
                                 lambda l: gr.Markdown(_profile_heading(l)))
                        panel = ProfilePanel(lang)
                        labels.extend(panel.labels())
                    with gr.Column(scale=3, min_width=320):
                        programs = gr.HTML(render_programs([], Profile(), lang), elem_id="programs")
        bottom = gr.Markdown(lambda: footer(FIRST, desk.service.document_count()), elem_id="footer")

        asked, turns, selected, profile = gr.State([]), gr.State({}), gr.State(None), gr.State(Profile())
        conversation = [chat, sources, box, asked, turns, selected, feedback, status]

        def shown(view: View, language: str, typed: object = "") -> tuple:
            """A View as the values of the conversation's components; typed: what the question box gets."""
            return (view.messages, view.sources or render_sources(None, language), typed, view.asked, view.turns,
                    view.selected, gr.Column(visible=view.rateable), "")

        def turn(question: str, history: list[Message], earlier: list[str], kept: dict[int, Turn], company: Profile,
                 language: str, request: gr.Request) -> Iterator[tuple]:
            wait = asks.take(client_address(request))
            if wait:  # before anything is shown: the question stays in the box, to be sent again
                raise gr.Error(text("rate_limited", language, seconds=wait), title=text("rate_limited_title", language),
                               print_exception=False)
            session = (request.session_hash or "") if request else ""
            # The box is emptied once, when the question is taken: what the user types while the answer is still
            # being written is the next question, and later updates leave it alone.
            for n, view in enumerate(respond(desk, question, history, earlier, kept, company, language, session)):
                yield shown(view, language, "" if n == 0 else gr.skip())

        for trigger in (box.submit, send.click):
            trigger(turn, inputs=[box, chat, asked, turns, profile, language], outputs=conversation,
                    api_visibility="private", concurrency_id="answer")  # one limit for both ways of asking
        for trigger in (new.click, chat.clear):  # the button, and the chat's own clear icon
            trigger(lambda language: (*shown(View(), language), ""), inputs=language, outputs=[*conversation, comment],
                    api_visibility="private")
        examples.click(lambda sample: sample[0], inputs=examples, outputs=box, api_visibility="private")

        def pick(kept: dict[int, Turn], language: str, event: gr.SelectData) -> tuple:
            picked = select(kept, event.index, language) if isinstance(event.index, int) else None
            if picked is None:
                return gr.skip(), gr.skip(), gr.skip(), gr.skip()
            panel_html, rateable = picked
            return panel_html, event.index, gr.Column(visible=rateable), ""

        chat.select(pick, inputs=[turns, language], outputs=[sources, selected, feedback, status],
                    api_visibility="private").then(None, js=SCROLL_TO_TARGET)

        for button, is_helpful in ((helpful, True), (unhelpful, False)):
            button.click(
                lambda kept, message, note, language, h=is_helpful: rate(desk.store, kept, message, h, note, language),
                inputs=[turns, selected, comment, language], outputs=[status, comment], api_visibility="private",
            )

        def profile_changed(*values) -> tuple:
            *fields, language = values
            try:
                company = read_profile(*fields, language)
            except ProfileError as exc:
                raise gr.Error(str(exc)) from None
            return company, *_profile_views(desk, company, language)

        gr.on([field.change for field in panel.inputs], profile_changed, inputs=[*panel.inputs, language],
              outputs=[profile, programs, profile_note], trigger_mode="always_last", api_visibility="private")

        def relabel(language: str, kept: dict[int, Turn], message: int | None, company: Profile) -> list:
            turn_ = kept.get(message) if message is not None else None
            panel_html = render_sources(turn_.answer if turn_ else None, language, message)
            return [update(language) for _, update in labels] + [
                panel_html, *_profile_views(desk, company, language), footer(language, desk.service.document_count()),
                "",  # a feedback status line in the other language is cleared
            ]

        language.change(relabel, inputs=[language, turns, selected, profile],
                        outputs=[c for c, _ in labels] + [sources, programs, profile_note, bottom, status],
                        api_visibility="private")
    return app


def _profile_heading(language: str) -> str:
    return f"### {text('profile', language)}\n\n{text('profile_hint', language)}"


def _profile_views(desk: InquiryDesk, company: Profile, language: str) -> tuple[str, Any]:
    """The programs table and the chat tab's note of the facts the chat uses."""
    assessments = [a.to_dict(language) for a in desk.service.assess(company)] if company.known() else []
    note = gr.Markdown(text("profile_in_chat", language, facts=facts(company, language)), visible=bool(company.known()))
    return render_programs(assessments, company, language), note
