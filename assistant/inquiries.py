"""Answering in front of the public: the service's answer, written to the inquiry log that staff read.

The web chat and the HTTP API both answer through InquiryDesk, so every public question is logged the same way
(masked, with outcome, sources and latency) and gets an id that feedback refers to. The CLI and the eval runner
use the service directly and log nothing.
"""

from __future__ import annotations

import fcntl
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from .datastore import DataStore, Inquiry
from .evaluation import read_lines
from .pii import mask
from .profile import Profile
from .schema import Answer, Utterance
from .service import Answered, AssistantService, Event


@dataclass(frozen=True)
class Logged:
    """Event: the answered turn is in the inquiry log (always the last event of a turn)."""

    inquiry_id: int
    latency_ms: float


class InquiryDesk:
    """The service, with every answered turn logged."""

    def __init__(self, service: AssistantService, store: DataStore) -> None:
        self.service = service
        self.store = store

    def stream(
        self, text: str, history: Sequence[Utterance] = (), profile: Profile | None = None, *,
        channel: str = "chat", session: str = "",
    ) -> Iterator[Event | Logged]:
        """The service's events for a turn, then Logged. A turn that cannot be asked (QuestionError) raises before
        anything is logged."""
        start = time.perf_counter()
        answer = None
        for event in self.service.stream(text, history, profile):
            if isinstance(event, Answered):
                answer = event.answer
            yield event
        if answer is None:  # every stream ends with an answer; a stream that did not is a bug to see, not to log
            raise RuntimeError("the service gave no answer")
        latency_ms = (time.perf_counter() - start) * 1000
        yield Logged(self.store.log_inquiry(_inquiry(text, answer, latency_ms, channel, session)), latency_ms)

    def ask(
        self, text: str, history: Sequence[Utterance] = (), profile: Profile | None = None, *,
        channel: str = "api", session: str = "",
    ) -> tuple[Answer, Logged]:
        """Answer a turn in one call: the answer and where it was logged."""
        answer = None
        for event in self.stream(text, history, profile, channel=channel, session=session):
            if isinstance(event, Answered):
                answer = event.answer
            elif isinstance(event, Logged):
                return answer, event
        raise RuntimeError("the inquiry was not logged")


def _inquiry(text: str, answer: Answer, latency_ms: float, channel: str, session: str) -> Inquiry:
    return Inquiry(
        channel=channel, session=session, question=mask(text)[0], rewritten_question=answer.question,
        language=answer.language, outcome=answer.outcome, abstained=answer.abstained, answer=answer.text,
        citations=[c.to_dict() for c in answer.citations], latency_ms=round(latency_ms, 1), generator=answer.generator,
    )


def eval_case(inquiry: Inquiry) -> dict:
    """A suite case (evals/*.jsonl format) from a logged inquiry, for staff to review and add to a suite: an answered
    inquiry expects the document it cited first, an unanswered one expects abstention; must_include is left for the
    reviewer, who knows the fact the answer needed."""
    answered = not inquiry.abstained and bool(inquiry.citations)
    first = inquiry.citations[0] if answered else None
    stem = Path(first["source"]).stem if first else ""
    case = {
        "id": f"inquiry-{inquiry.id}",
        "question": inquiry.question,
        "language": inquiry.language if inquiry.language in {"ko", "en", "de"} else "ko",
        "answerable": answered,
        "expected_sources": [stem] if first else [],
        "must_include": [],
        "tags": ["from-inquiry"] + ([] if inquiry.helpful is None else ["helpful" if inquiry.helpful else "unhelpful"]),
        "answer_source": f'{stem}: "{first["snippet"]}"' if first else f"none: logged as {inquiry.outcome}",
    }
    if inquiry.outcome not in {"answered", "unanswerable", "personal_data"}:
        case["outcome"] = inquiry.outcome  # a routing case
    if inquiry.comment:
        case["notes"] = inquiry.comment
    return case


# The suite staff add inquiries to, under the data folder; `assistant eval` runs it like any shipped suite.
SUITE = Path("suites") / "from_inquiries.jsonl"


def add_case(suite: Path, case: dict) -> str | None:
    """Append a suite case as one JSONL line and return the line; None, and nothing written, when the suite already
    has a case with its id."""
    line = json.dumps(case, ensure_ascii=False)
    suite.parent.mkdir(parents=True, exist_ok=True)
    with open(suite, "a", encoding="utf-8") as out:
        fcntl.flock(out, fcntl.LOCK_EX)  # two staff adding at once: one reads the ids and writes, then the other
        if any(data.get("id") == case["id"] for _, data in read_lines(suite)):
            return None
        out.write(line + "\n")
    return line
