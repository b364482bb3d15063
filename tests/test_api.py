"""The JSON HTTP API and the staff login, through a real uvicorn server on loopback over a real service."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator

import httpx
import pytest

from assistant.config import Settings, StaffSettings, UISettings
from assistant.evaluation import load_suites
from assistant.service import AssistantService
from webserver import served

STAFF = StaffSettings(username="staff-kim", password="correct horse battery")


@pytest.fixture(scope="module")
def base_url(indexed, tmp_path_factory) -> Iterator[str]:
    from assistant_ui.server import build_server

    settings, _ = indexed
    data = tmp_path_factory.mktemp("api-data")
    # Many questions from one address: the rate limit is off here (tests/test_ratelimit.py tests it).
    unlimited = UISettings(rate_limit_per_minute=0)
    service = AssistantService(settings.model_copy(update={"staff": STAFF, "data_dir": data, "ui": unlimited}))
    with served(build_server(service)) as url:
        yield url


@pytest.fixture
def client(base_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=base_url, timeout=120) as client:
        yield client


def _login(client: httpx.Client) -> None:
    response = client.post("/login", data={"username": STAFF.username, "password": STAFF.password.get_secret_value()})
    assert response.status_code == 303 and response.headers["location"] == "/staff/"  # on to the console


def test_ask_returns_the_ask_json_object_with_the_inquiry_id(client) -> None:
    response = client.post("/api/ask", json={"question": "2030년까지 AI 팩토리를 몇 개 만드나요?"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {
        "question", "answer", "abstained", "citations", "latency_ms", "evidence", "outcome", "rewritten_question",
        "note", "inquiry_id", "rewritten_by",
    }
    assert "500" in body["answer"] and not body["abstained"] and body["outcome"] == "answered"
    assert body["citations"][0]["source"] == "ai_factory_ko.md" and body["inquiry_id"] > 0


def test_a_follow_up_is_rewritten_from_the_history(client) -> None:
    history = [
        {"role": "user", "content": "산업 디지털 전환 펀드는 얼마인가요?"},
        {"role": "assistant", "content": "4,000억 원입니다."},
    ]
    body = client.post("/api/ask", json={"question": "그럼 언제까지 운영돼요?", "history": history}).json()
    assert "펀드" in body["rewritten_question"], body  # the topic comes from the earlier turn
    assert body["rewritten_by"] == "rules", body
    assert body["citations"][0]["source"] == "dx_fund_en.md", body


def test_a_follow_up_may_point_into_the_assistants_answer_in_the_history(client) -> None:
    history = [
        {"role": "user", "content": "Which funds does the ministry run?"},
        {"role": "assistant", "content": "The AI factory fund, the industrial DX fund and the zone fund."},
    ]
    body = client.post("/api/ask", json={"question": "How big is the second one?", "history": history}).json()
    assert "How big is industrial DX fund?" in body["rewritten_question"], body
    assert body["citations"][0]["source"] == "dx_fund_en.md", body


def test_bad_input_gets_a_clear_error_in_both_languages(client) -> None:
    empty = client.post("/api/ask", json={"question": "   "})
    assert empty.status_code == 422 and "질문을 입력해 주세요" in empty.json()["detail"]
    assert "Please type a question" in empty.json()["detail"]
    assert client.post("/api/ask", json={"history": []}).status_code == 422
    long = client.post("/api/ask", json={"question": "가" * 50_000})
    assert long.status_code == 422 and "too long" in long.json()["detail"]


def test_personal_data_is_masked_in_the_reply_and_the_log(client) -> None:
    body = client.post("/api/ask", json={"question": "제 전화 010-4821-9357, AI 팩토리 목표는 몇 개인가요?"}).json()
    assert "4821" not in str(body) and body["outcome"] == "personal_data" and body["note"]
    _login(client)
    logged = client.get("/api/staff/inquiries?text=AI").json()
    assert logged and "4821" not in str(logged)


def test_feedback_is_stored_and_an_unknown_inquiry_is_404(client) -> None:
    inquiry_id = client.post("/api/ask", json={"question": "How big is the DX fund?"}).json()["inquiry_id"]
    assert client.post("/api/feedback", json={"inquiry_id": inquiry_id, "helpful": False, "comment": "틀림"}).status_code == 204
    assert client.post("/api/feedback", json={"inquiry_id": 10**9, "helpful": True}).status_code == 404
    _login(client)
    (row,) = [r for r in client.get("/api/staff/inquiries?feedback=unhelpful").json() if r["id"] == inquiry_id]
    assert (row["helpful"], row["comment"], row["channel"]) == (False, "틀림", "api")


def test_match_gives_per_criterion_verdicts(client) -> None:
    profile = {"sector": "manufacturing", "size_class": "small", "region": "gyeongbuk", "tax_arrears": False}
    result = client.post("/api/match", json={"profile": profile, "programs": ["test-factory"]}).json()
    assert [(r["program"], r["verdict"]) for r in result] == [("test-factory", "eligible")]
    assert all(c["status"] == "met" and c["citation"]["source"] for c in result[0]["criteria"])


def test_staff_routes_need_a_login(base_url) -> None:
    with httpx.Client(base_url=base_url, timeout=60) as anonymous:
        assert anonymous.get("/api/staff/inquiries").status_code == 401
        assert anonymous.get("/api/staff/inquiries.csv").status_code == 401
        assert anonymous.get("/api/staff/inquiries/1/case").status_code == 401
        page = anonymous.get("/staff/", follow_redirects=False)
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
        assert anonymous.get("/staff/config").status_code == 401  # the console's own Gradio routes
        wrong = anonymous.post("/login", data={"username": STAFF.username, "password": "wrong"})
        assert wrong.status_code == 401 and "Wrong username or password" in wrong.text
        assert anonymous.get("/api/staff/inquiries").status_code == 401
        # A login never redirects off the site.
        ok = anonymous.post("/login", data={
            "username": STAFF.username, "password": STAFF.password.get_secret_value(), "next": "//evil.example/",
        }, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/staff/"
        assert anonymous.get("/api/staff/inquiries").status_code == 200
        anonymous.post("/logout")
        assert anonymous.get("/api/staff/inquiries").status_code == 401


def test_the_log_exports_csv_and_an_inquiry_becomes_a_suite_case(client, tmp_path) -> None:
    client.post("/api/ask", json={"question": "규제자유특구는 언제 처음 지정되었나요?"})
    _login(client)
    exported = client.get("/api/staff/inquiries.csv?text=규제자유특구")
    assert exported.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(exported.text.lstrip("\ufeff"))))
    assert rows and rows[0]["question"] == "규제자유특구는 언제 처음 지정되었나요?"
    assert rows[0]["sources"].startswith("smart_factory_ko.pdf p.")
    case = client.get(f"/api/staff/inquiries/{rows[0]['id']}/case").json()
    suite = tmp_path / "from_log.jsonl"
    suite.write_text(json.dumps(case, ensure_ascii=False) + "\n", encoding="utf-8")
    (loaded,) = load_suites([suite])
    assert loaded.answerable and loaded.expected_sources == ["smart_factory_ko"]
    assert client.get("/api/staff/inquiries/999999/case").status_code == 404


def test_the_api_is_documented_by_its_openapi_schema(client) -> None:
    schema = client.get("/api/openapi.json").json()
    assert {"/ask", "/feedback", "/match", "/health"} <= set(schema["paths"])
    ask = schema["components"]["schemas"]["AskResponse"]["properties"]
    assert {"outcome", "rewritten_question", "citations", "latency_ms"} <= set(ask)
    assert client.get("/api/docs").status_code == 200


# Staff uploads through the API (POST /api/staff/documents): their own server, as uploads change its index.
HARBOUR_MD = "# 스마트 항만 공고\n\n## 지원 내용\n스마트 항만 실증 사업은 과제당 8억 원을 지원한다.\n"


@pytest.fixture(scope="module")
def upload_site(tmp_path_factory) -> Iterator[tuple[str, AssistantService]]:
    """The web app over a one-document index the tests upload into."""
    from assistant_ui.server import build_server
    from conftest import AI_FACTORY_MD

    root = tmp_path_factory.mktemp("api-uploads")
    (root / "docs").mkdir()
    (root / "docs" / "ai_factory_ko.md").write_text(AI_FACTORY_MD, encoding="utf-8")
    service = AssistantService(Settings(index_dir=root / "index", data_dir=root / "data", staff=STAFF))
    assert not service.ingest([root / "docs"]).failures
    with served(build_server(service)) as url:
        yield url, service


@pytest.fixture
def staff_client(upload_site) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=upload_site[0], timeout=300) as client:
        _login(client)
        yield client


def test_uploading_documents_needs_a_staff_login(upload_site) -> None:
    url, service = upload_site
    with httpx.Client(base_url=url, timeout=60) as anonymous:
        refused = anonymous.post("/api/staff/documents", files=[("files", ("harbour_ko.md", HARBOUR_MD.encode()))])
        assert refused.status_code == 401
    assert not (service.settings.data_dir / "uploads" / "harbour_ko.md").exists()


def test_uploaded_documents_are_indexed_and_answered_and_refusals_say_why(staff_client, upload_site) -> None:
    service = upload_site[1]
    files = [
        ("files", ("harbour_ko.md", HARBOUR_MD.encode(), "text/markdown")),
        ("files", ("../memo.docx", b"PK\x03\x04", "application/octet-stream")),
    ]
    report = staff_client.post("/api/staff/documents", files=files)
    assert report.status_code == 200, report.text
    body = report.json()
    assert body["indexed"] == ["harbour_ko.md"] and body["unchanged"] == [] and body["documents"] == 2
    assert [r["name"] for r in body["refused"]] == ["memo.docx"]  # its base name only, never a path
    assert "읽지 않는 파일 형식" in body["refused"][0]["ko"] and "not read" in body["refused"][0]["en"]
    assert body["chunks"] >= 1 and (service.settings.data_dir / "uploads" / "harbour_ko.md").is_file()

    answer = staff_client.post("/api/ask", json={"question": "스마트 항만 실증 사업은 과제당 얼마를 지원하나요?"}).json()
    assert "8억" in answer["answer"] and answer["citations"][0]["source"] == "harbour_ko.md", answer
    again = staff_client.post("/api/staff/documents", files=[("files", ("harbour_ko.md", HARBOUR_MD.encode()))])
    assert again.json()["unchanged"] == ["harbour_ko.md"] and again.json()["indexed"] == []


def test_an_upload_while_another_is_indexed_is_told_to_wait(staff_client, upload_site) -> None:
    import fcntl

    folder = upload_site[1].settings.data_dir / "uploads"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / ".lock", "a") as lock:  # what an upload being indexed holds (assistant/uploads.py)
        fcntl.flock(lock, fcntl.LOCK_EX)
        busy = staff_client.post("/api/staff/documents", files=[("files", ("late_ko.md", b"# late\n\nlate.\n"))])
    assert busy.status_code == 409 and "다른 업로드를 색인하는 중" in busy.json()["detail"]
    assert "Another upload is being indexed" in busy.json()["detail"]
    assert not (folder / "late_ko.md").exists()


def test_an_upload_without_files_or_a_file_name_is_a_clear_error(staff_client) -> None:
    assert staff_client.post("/api/staff/documents").status_code == 422
    nameless = staff_client.post("/api/staff/documents", files=[("files", ("..", b"text", "text/plain"))])
    assert nameless.status_code == 422 and "no name" in nameless.json()["detail"], nameless.text
