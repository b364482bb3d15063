"""The staff console (behind the login): upload documents, read the inquiry log, turn inquiries into eval cases.

Layout and wiring only: assistant.uploads checks, saves and indexes the files; the data store filters the log; the
API's CSV (ui/api.py) gives the log's columns and its download; assistant.inquiries makes and appends suite cases.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import gradio as gr

from assistant.config import Settings
from assistant.datastore import Inquiry, InquiryFilter
from assistant.inquiries import SUITE, InquiryDesk, add_case, eval_case
from assistant.routing import OUTCOMES
from assistant.uploads import UploadBusy, Uploads

from .api import csv_values

TITLE = "직원 화면 / Staff console"
ALL = ("전체 / All", "")
OUTCOME_NAMES = {
    "answered": "답변", "unanswerable": "답 없음", "clarification": "되물음", "out_of_scope": "범위 밖",
    "small_talk": "인사·잡담", "harmful": "유해 요청", "personal_data": "개인정보 포함", "guardrail": "지시 무시 시도",
}
# The log's dropdown filters, in the order log_filter takes them: name, label, (option, value) choices.
FILTERS = [
    ("outcome", "결과 / Outcome", [ALL, *((f"{OUTCOME_NAMES.get(o, o)} / {o}", o) for o in OUTCOMES)]),
    ("language", "언어 / Language", [ALL, ("한국어 / Korean", "ko"), ("영어 / English", "en"), ("독일어 / German", "de")]),
    ("channel", "채널 / Channel", [ALL, ("채팅 / Chat", "chat"), ("API", "api")]),
    ("feedback", "평가 / Feedback",
     [ALL, ("도움됨 / Helpful", "helpful"), ("도움 안 됨 / Unhelpful", "unhelpful"), ("평가 없음 / No feedback", "none")]),
]
# The log's columns: fields of the CSV export, with their headings; and how its feedback values read.
COLUMNS = {
    "id": "번호 / ID", "at": "시간(UTC) / Time (UTC)", "channel": "채널 / Channel", "question": "질문 / Question",
    "language": "언어 / Language", "outcome": "결과 / Outcome", "sources": "출처 / Sources",
    "latency_ms": "지연(ms) / Latency (ms)", "helpful": "평가 / Feedback", "comment": "의견 / Comment",
}
COLUMN_WIDTHS = ["60px", "120px", "80px", "250px", "80px", "120px", "150px", "90px", "120px", "150px"]
RATINGS = {"True": "도움됨 / helpful", "False": "도움 안 됨 / unhelpful"}
SHOWN_ROWS = 500
EXPORT_ROWS = 100_000
CSV_URL = "/api/staff/inquiries.csv"
SUITE_URL = f"/api/staff/{SUITE.as_posix()}"

NO_FILES = "올릴 파일을 고르세요. / Choose the files to upload."
BAD_DATE = "날짜는 YYYY-MM-DD 형식으로 입력하세요. / Enter dates as YYYY-MM-DD."
NO_INQUIRY = "그 번호의 문의가 없습니다. / There is no inquiry with that ID."
PICK_INQUIRY = "표에서 문의를 고르거나 번호를 입력하세요. / Select an inquiry in the table or enter its ID."
LOGOUT = """<form method="post" action="/logout" class="logout">
<button type="submit" id="logout">로그아웃 / Log out</button></form>"""
LOGOUT_CSS = """.logout { display: flex; justify-content: flex-end; }
.logout button { padding: .45rem 1rem; border-radius: .5rem; border: 1px solid var(--border-color-primary);
  background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color); cursor: pointer; }"""
# A download link to an API route, once the console gives it the address.
LINK = '${value ? `<a href="${value}" download>${label}</a>` : ""}'


def signed_in(request: gr.Request) -> str:
    return f"로그인: **{request.username}** / Signed in as **{request.username}**"


def upload_help(max_mb: float) -> str:
    return (
        f"PDF, 마크다운, 텍스트, 한글(HWP, HWPX) 파일을 여러 개 함께 올릴 수 있습니다(파일당 {max_mb:g} MB까지). "
        "같은 이름의 파일은 새 내용으로 바뀝니다.  \n"
        f"Upload PDF, Markdown, text, HWP or HWPX files, several at once (up to {max_mb:g} MB each). "
        "A file with the name of an indexed one replaces it."
    )


def indexed_count(count: int) -> str:
    return f"색인된 문서 {count}개 / {count} documents indexed"


def log_rows(inquiries: list[Inquiry]) -> list[list[str]]:
    """The log table's rows, newest first: the CSV export's values, so the table shows what the download holds."""
    shown = []
    for row in map(csv_values, inquiries):
        row["at"] = row["at"].replace("T", " ").removesuffix("+00:00")
        row["helpful"] = RATINGS.get(row["helpful"], "")
        shown.append([row[field] for field in COLUMNS])
    return shown


def log_filter(text: str, outcome: str, language: str, channel: str, feedback: str, since: str | None,
               until: str | None) -> InquiryFilter:
    """The filter the form asks for; gr.Error for a date that is not one."""
    days = []  # a cleared field comes as None
    for day in (since, until):
        try:
            days.append(date.fromisoformat(day.strip()[:10]).isoformat() if day and day.strip() else "")
        except ValueError:
            raise gr.Error(BAD_DATE) from None
    return InquiryFilter(
        text=(text or "").strip(), outcome=outcome or "", language=language or "", channel=channel or "",
        feedback=feedback or "", since=days[0], until=days[1], limit=SHOWN_ROWS,
    )


def csv_link(where: InquiryFilter) -> str:
    """The API's CSV of every inquiry the filter matches (the table shows the newest SHOWN_ROWS)."""
    query = where.model_dump(exclude_defaults=True) | {"limit": EXPORT_ROWS}
    return f"{CSV_URL}?{urlencode(query)}"


def build_staff(desk: InquiryDesk, settings: Settings) -> gr.Blocks:
    """The console's Gradio app; mounted at /staff behind the login."""
    uploads = Uploads(desk.service, settings)
    suite = settings.data_dir / SUITE

    def upload(files: list[str] | None, progress=gr.Progress()) -> tuple[str, None, str]:
        if not files:
            raise gr.Error(NO_FILES)
        progress(0.0, desc="확인하고 색인하는 중 / Checking and indexing")

        def indexed(done: int, total: int, path: Path) -> None:
            progress((done, total), desc=f"색인 중 / Indexing: {path.name}", unit="files")

        try:
            report = "\n".join(uploads.upload([Path(f) for f in files], indexed).lines())
        except UploadBusy as busy:
            raise gr.Error(str(busy)) from None
        return report, None, indexed_count(desk.service.document_count())

    def search(*form: str) -> tuple[list[list[str]], str]:
        where = log_filter(*form)
        return log_rows(desk.store.inquiries(where)), csv_link(where)

    def pick(event: gr.SelectData) -> tuple[int, str]:
        inquiry_id = int(event.row_value[0])
        found = desk.store.inquiry(inquiry_id)
        return inquiry_id, found.answer if found else ""

    def add(inquiry_id: float | None) -> tuple[str, str, str]:
        if not inquiry_id:
            raise gr.Error(PICK_INQUIRY)
        found = desk.store.inquiry(int(inquiry_id))
        if found is None:
            raise gr.Error(NO_INQUIRY)
        case = eval_case(found)
        line = add_case(suite, case)
        status = (f"{suite.name}에 추가했습니다. / Added to {suite.name}." if line else
                  f"{case['id']}은(는) 이미 {suite.name}에 있습니다. / {case['id']} is already in {suite.name}.")
        return status, line or "", SUITE_URL

    with gr.Blocks(title=TITLE, analytics_enabled=False, delete_cache=(3600, 3600)) as console:
        with gr.Row(equal_height=True):  # on a phone the user and the logout button go below the title
            with gr.Column(scale=3, min_width=300):
                gr.Markdown(f"# {TITLE}", elem_id="staff-header")
            with gr.Column(scale=2, min_width=300), gr.Row(equal_height=True):
                user = gr.Markdown(elem_id="staff-user", min_width=160)
                gr.HTML(html_template=LOGOUT, css_template=LOGOUT_CSS, js_on_load=None, elem_id="staff-logout",
                        min_width=120)
        with gr.Tabs():
            with gr.Tab("업로드 / Upload", id="upload"):
                gr.Markdown(upload_help(settings.ui.max_upload_mb))
                files = gr.File(label="파일 / Files", file_count="multiple", elem_id="upload-files")
                start = gr.Button("올리고 색인하기 / Upload and index", variant="primary", elem_id="upload-start")
                report = gr.Textbox(label="결과 / Report", lines=4, interactive=False, elem_id="upload-report")
                count = gr.Markdown(lambda: indexed_count(desk.service.document_count()), elem_id="document-count")
            with gr.Tab("문의 기록 / Inquiry log", id="log"):
                with gr.Row():
                    text = gr.Textbox(label="질문 검색 / Search questions", max_lines=1, elem_id="filter-text",
                                      min_width=200)
                    dropdowns = [
                        gr.Dropdown(choices, value="", label=label, elem_id=f"filter-{name}", min_width=150)
                        for name, label, choices in FILTERS
                    ]
                with gr.Row(equal_height=True):
                    since = gr.DateTime(include_time=False, type="string", label="시작일 / From",
                                        elem_id="filter-since", min_width=200)
                    until = gr.DateTime(include_time=False, type="string", label="종료일 / To",
                                        elem_id="filter-until", min_width=200)
                    find = gr.Button("조회 / Search", variant="primary", elem_id="filter-search", min_width=120)
                table = gr.Dataframe(
                    headers=list(COLUMNS.values()), column_widths=COLUMN_WIDTHS, interactive=False, wrap=True,
                    max_height=420, elem_id="log-table",
                    label=f"문의(최근 {SHOWN_ROWS}건까지, 최신순) / Inquiries (newest first, up to {SHOWN_ROWS})",
                )
                export = gr.HTML(html_template=LINK, label="CSV 내려받기 / Download CSV", js_on_load=None,
                                 elem_id="export-csv")
                gr.Markdown("### 평가 세트에 추가 / Add to the eval suite\n표에서 문의를 고르고 답변을 검토한 뒤 "
                            "추가하세요. / Select an inquiry, review its answer, then add it.")
                with gr.Row(equal_height=True):
                    case_id = gr.Number(label="문의 번호 / Inquiry ID", precision=0, elem_id="case-id", min_width=140)
                    add_button = gr.Button("평가 세트에 추가 / Add to suite", elem_id="case-add", min_width=160)
                answer = gr.Textbox(label="답변(검토용) / Answer (for review)", interactive=False, lines=3,
                                    elem_id="case-answer")
                status = gr.Markdown(elem_id="case-status")
                line = gr.Textbox(label="추가한 줄 / Line added", interactive=False, lines=3, buttons=["copy"],
                                  elem_id="case-line")
                suite_link = gr.HTML(html_template=LINK, label=f"{suite.name} 내려받기 / Download {suite.name}",
                                     js_on_load=None, elem_id="suite-file")

        console.load(signed_in, outputs=user, api_visibility="private")
        start.click(upload, inputs=files, outputs=[report, files, count], show_progress_on=report,
                    api_visibility="private")
        form = [text, *dropdowns, since, until]
        for trigger in (console.load, find.click, text.submit):
            trigger(search, inputs=form, outputs=[table, export], api_visibility="private")
        table.select(pick, outputs=[case_id, answer], api_visibility="private")
        add_button.click(add, inputs=case_id, outputs=[status, line, suite_link], api_visibility="private")
    return console
