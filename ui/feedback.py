"""Feedback on an answer: helpful or not, with an optional comment, stored with the answer's inquiry id."""

from __future__ import annotations

import logging

from assistant.datastore import DataStore

from .chat import Turn
from .strings import text

log = logging.getLogger(__name__)
MAX_COMMENT_CHARS = 2000


def rate(store: DataStore, turns: dict[int, Turn], selected: int | None, helpful: bool, comment: str,
         language: str) -> tuple[str, str]:
    """Store the rating of the selected answer (the store masks personal data in the comment); returns the status
    line and the comment box's new value (emptied once stored)."""
    turn = turns.get(selected) if selected is not None else None
    if turn is None or turn.inquiry_id is None:
        return text("feedback_failed", language), comment
    try:
        store.add_feedback(turn.inquiry_id, helpful, (comment or "")[:MAX_COMMENT_CHARS])
    except Exception:  # a failing store must not break the page; the details go to the log
        log.exception("storing feedback failed")
        return text("feedback_failed", language), comment
    return text("feedback_saved", language), ""
