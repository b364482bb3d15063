"""The staff console (behind the login): upload documents, read the inquiry log, turn inquiries into eval cases."""

from __future__ import annotations

import gradio as gr

from assistant.config import Settings
from assistant.inquiries import InquiryDesk


def build_staff(desk: InquiryDesk, settings: Settings) -> gr.Blocks:
    """The console's Gradio app; mounted at /staff behind the login."""
    with gr.Blocks(title="직원 화면 / Staff console", analytics_enabled=False) as console:
        gr.Markdown("# 직원 화면 / Staff console", elem_id="staff-header")
    return console
