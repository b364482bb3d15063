"""The JSON HTTP API beside the web UI, for integrators and evaluators; its OpenAPI schema is at /api/openapi.json.

Public: ask (the `assistant ask --json` object, plus the inquiry id), feedback on an answer, match a company profile.
Staff (a login session): the inquiry log as JSON or CSV, an inquiry as an eval-suite case, and document uploads
(the console's upload, for support centers' scripts).
"""

from __future__ import annotations

import csv
import io
import shutil
import tempfile
from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends, FastAPI, File, HTTPException, Query, UploadFile, status
from fastapi.responses import FileResponse, Response
from pydantic import BaseModel, Field

from assistant.datastore import Inquiry, InquiryFilter
from assistant.inquiries import SUITE, InquiryDesk, eval_case
from assistant.pii import mask
from assistant.profile import Profile
from assistant.question import QuestionError
from assistant.schema import Utterance
from assistant.store_errors import StoreUnavailable
from assistant.uploads import UploadBusy, Uploads, document_name

from .auth import StaffAuth
from .ratelimit import RateLimiter, limited


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class AskRequest(BaseModel):
    question: str = Field(description="The user's message.")
    history: list[Turn] = Field(default_factory=list, description="Earlier turns of the conversation, oldest first.")
    profile: Profile | None = Field(None, description="Company facts given outside the chat; the chat's own override them.")


class CitationOut(BaseModel):
    source: str
    page: int | None
    snippet: str
    score: float


class AskResponse(BaseModel):
    question: str = Field(description="The question as received, personal data masked.")
    answer: str
    abstained: bool = Field(description="True when the documents do not answer the question.")
    citations: list[CitationOut]
    latency_ms: float
    evidence: float
    outcome: str = Field(description="answered, unanswerable, clarification, out_of_scope, small_talk, harmful, "
                         "personal_data or guardrail")
    rewritten_question: str = Field(description="The standalone question the answer is for (follow-ups rewritten).")
    rewritten_by: str = Field("", description="Who rewrote a follow-up: 'rules' or 'llm'; empty when the question "
                              "stood alone.")
    note: str = Field("", description="Guidance that is not drawn from the documents (where to ask, a warning).")
    inquiry_id: int = Field(description="Refer to it when sending feedback.")


class FeedbackRequest(BaseModel):
    inquiry_id: int
    helpful: bool
    comment: str = Field("", max_length=2000)


class MatchRequest(BaseModel):
    profile: Profile
    programs: list[str] = Field(default_factory=list, description="Program ids; empty: every program.")
    language: Literal["ko", "en"] = "ko"


class RefusalOut(BaseModel):
    name: str
    ko: str = Field(description="Why the file was not indexed, in Korean.")
    en: str = Field(description="The same in English.")


class UploadOut(BaseModel):
    indexed: list[str] = Field(description="Files indexed (a file named like an indexed document replaced it).")
    unchanged: list[str] = Field(description="Files already indexed with the same content.")
    refused: list[RefusalOut] = Field(description="Files not indexed, each with the reason.")
    pages: int
    chunks: int
    seconds: float
    documents: int = Field(description="Documents in the index after the upload.")


NO_NAME = "이름이 없는 파일이 있습니다. 파일 이름을 붙여 올려 주세요. / A file has no name; upload it with its file name."


def _receive(upload: UploadFile, folder: Path) -> Path:
    """The uploaded file on disk under its own name, in a folder of its own (names may repeat; Uploads says so)."""
    name = document_name(upload.filename or "")
    if not name:
        raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, NO_NAME)
    folder.mkdir()
    with open(folder / name, "wb") as out:
        shutil.copyfileobj(upload.file, out)
    return folder / name


def api(desk: InquiryDesk, auth: StaffAuth, asks: RateLimiter, ratings: RateLimiter) -> FastAPI:
    """The API as its own app (mounted at /api), so its OpenAPI schema documents only the API. asks limits each
    client's questions (shared with the chat), ratings its feedback; staff routes are not limited."""
    app = FastAPI(
        title="SME Support Assistant API", version="1", docs_url="/docs", openapi_url="/openapi.json",
        redoc_url=None,
    )
    public, staff = APIRouter(), APIRouter(prefix="/staff", dependencies=[Depends(auth.require)])
    uploads = Uploads(desk.service, desk.service.settings)

    @public.post("/ask", response_model=AskResponse, dependencies=[limited(asks)])
    def ask(request: AskRequest) -> AskResponse:
        """Answer one turn (a follow-up, given history) with cited sources, and log it."""
        history = [Utterance(turn.role, turn.content) for turn in request.history]
        try:
            answer, logged = desk.ask(request.question, history, request.profile, channel="api")
        except QuestionError as exc:
            raise HTTPException(status.HTTP_422_UNPROCESSABLE_CONTENT, str(exc)) from exc
        except StoreUnavailable as exc:
            raise HTTPException(status.HTTP_503_SERVICE_UNAVAILABLE, str(exc), {"Retry-After": "10"}) from exc
        return AskResponse(
            question=mask(request.question)[0], note=answer.note,
            inquiry_id=logged.inquiry_id, **answer.to_dict(logged.latency_ms),
        )

    @public.post("/feedback", status_code=status.HTTP_204_NO_CONTENT, dependencies=[limited(ratings)])
    def feedback(request: FeedbackRequest) -> Response:
        """Rate an answer: helpful or not, with an optional comment (personal data is masked before storing)."""
        try:
            desk.store.add_feedback(request.inquiry_id, request.helpful, request.comment)
        except KeyError:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no inquiry {request.inquiry_id}") from None
        return Response(status_code=status.HTTP_204_NO_CONTENT)

    @public.post("/match")
    def match(request: MatchRequest) -> list[dict]:
        """Per program: eligible / not_eligible / need_info, one line per criterion with its citation (the
        `assistant match --json` list)."""
        return [a.to_dict(request.language) for a in desk.service.assess(request.profile, request.programs)]

    @public.get("/health")
    def health() -> dict:
        return {"status": "ok", "documents": desk.service.document_count()}

    @staff.get("/inquiries", response_model=list[Inquiry])
    def inquiries(where: InquiryFilter = Depends()) -> list[Inquiry]:
        """The inquiry log, newest first, filtered."""
        return desk.store.inquiries(where)

    @staff.get("/inquiries.csv")
    def inquiries_csv(where: InquiryFilter = Depends()) -> Response:
        """The filtered inquiry log as CSV (UTF-8 with BOM, so spreadsheet programs read Korean)."""
        return Response(
            "\ufeff" + to_csv(desk.store.inquiries(where)), media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": 'attachment; filename="inquiries.csv"'},
        )

    @staff.get("/inquiries/{inquiry_id}/case")
    def case(inquiry_id: int) -> dict:
        """The inquiry as an eval-suite case (one JSONL line's object), for review."""
        found = desk.store.inquiry(inquiry_id)
        if found is None:
            raise HTTPException(status.HTTP_404_NOT_FOUND, f"no inquiry {inquiry_id}")
        return eval_case(found)

    @staff.get(f"/{SUITE.as_posix()}")
    def suite() -> FileResponse:
        """The eval suite staff built from inquiries in the console (JSONL; run it with `assistant eval`)."""
        path = desk.service.settings.data_dir / SUITE
        if not path.is_file():
            raise HTTPException(status.HTTP_404_NOT_FOUND, "no inquiry has been added to the suite yet")
        return FileResponse(path, media_type="application/x-ndjson", filename=path.name)

    @staff.post("/documents", response_model=UploadOut)
    def documents(files: list[UploadFile] = File(description="PDF, Markdown, text, HWP or HWPX files.")) -> UploadOut:
        """Upload documents into the index, as the console's upload does: each file is checked, saved under
        data_dir/uploads and indexed; the report lists each file. 409 while another upload is being indexed."""
        with tempfile.TemporaryDirectory(prefix="assistant-upload-") as folder:
            received = [_receive(upload, Path(folder) / str(i)) for i, upload in enumerate(files)]
            try:
                report = uploads.upload(received)
            except UploadBusy as busy:
                raise HTTPException(status.HTTP_409_CONFLICT, str(busy)) from None
        return UploadOut(
            indexed=report.indexed, unchanged=report.unchanged, pages=report.pages, chunks=report.chunks,
            seconds=report.seconds, refused=[RefusalOut(name=r.name, ko=r.ko, en=r.en) for r in report.refused],
            documents=desk.service.document_count(),
        )

    app.include_router(public)
    app.include_router(staff)
    return app


CSV_FIELDS = ["id", "at", "channel", "question", "rewritten_question", "language", "outcome", "abstained", "sources",
              "latency_ms", "helpful", "comment"]


def csv_values(row: Inquiry) -> dict[str, str]:
    """An inquiry's CSV fields as the export writes them (the console's log table shows the same values)."""
    sources = "; ".join(f"{c['source']} p.{c['page']}" if c.get("page") else c["source"] for c in row.citations)
    values = row.model_dump() | {"sources": sources, "helpful": "" if row.helpful is None else row.helpful}
    return {name: str(values[name]) for name in CSV_FIELDS}


def to_csv(rows: list[Inquiry]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_FIELDS)
    writer.writeheader()
    writer.writerows(map(csv_values, rows))
    return out.getvalue()


