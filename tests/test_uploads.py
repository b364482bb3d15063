"""Staff uploads: checked, saved whole under data_dir/uploads, indexed one upload at a time, answered at once."""

from __future__ import annotations

import threading
import unicodedata
from pathlib import Path

import pytest

from assistant.config import Settings, UISettings
from assistant.service import AssistantService
from assistant.uploads import UploadBusy, Uploads, document_name
from conftest import AI_FACTORY_MD, write_pdf

VOUCHER = [["녹색 물류 전환 바우처 공고", "녹색 물류 전환 바우처는 기업당 최대 3,000만 원을 지원한다."]]
VOUCHER_QUESTION = "녹색 물류 전환 바우처는 기업당 최대 얼마를 지원하나요?"
HARBOUR_MD = "# 스마트 항만 공고\n\n## 지원 내용\n스마트 항만 실증 사업은 과제당 8억 원을 지원한다.\n"
HARBOUR_QUESTION = "스마트 항만 실증 사업은 과제당 얼마를 지원하나요?"
FACTORY_QUESTION = "2030년까지 AI 팩토리를 몇 개 만드나요?"


@pytest.fixture(scope="module")
def service(tmp_path_factory) -> AssistantService:
    """A real service (bundled model, Chroma on disk) over one old document; the tests upload into its index."""
    root = tmp_path_factory.mktemp("uploads")
    (root / "docs").mkdir()
    (root / "docs" / "ai_factory_ko.md").write_text(AI_FACTORY_MD, encoding="utf-8")
    service = AssistantService(Settings(index_dir=root / "index", data_dir=root / "data"))
    assert not service.ingest([root / "docs"]).failures
    return service


def uploads(service: AssistantService, data_dir: Path, max_mb: float = 50) -> Uploads:
    settings = service.settings.model_copy(update={"data_dir": data_dir, "ui": UISettings(max_upload_mb=max_mb)})
    return Uploads(service, settings)


def received(folder: Path, name: str, data: bytes | str) -> Path:
    """A file as the web framework hands it over: in a folder of its own, under the name the user gave it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


def sources(service: AssistantService, question: str) -> list[str]:
    answer = service.ask(question)
    return [] if answer.abstained else [c.source for c in answer.citations]


def test_files_are_checked_saved_whole_and_indexed(service, tmp_path):
    incoming = tmp_path / "incoming"
    incoming.mkdir()
    pdf = write_pdf(incoming / "voucher_ko.pdf", VOUCHER)
    files = [
        pdf,
        received(incoming, "harbour_ko.md", HARBOUR_MD),
        received(incoming, "memo.docx", b"PK\x03\x04"),
        received(incoming, "scan.pdf", b"%PDF-1.4 no pages"),
        received(incoming, "big.txt", "가" * 400_000),
    ]
    seen = []
    report = uploads(service, tmp_path / "data", max_mb=1).upload(files, lambda d, n, p: seen.append((d, n, p.name)))

    assert report.indexed == ["voucher_ko.pdf", "harbour_ko.md"] and report.pages == 2 and report.chunks >= 2
    refused = {r.name: r for r in report.refused}
    assert list(refused) == ["memo.docx", "big.txt", "scan.pdf"]
    assert "읽지 않는 파일 형식(.docx)" in refused["memo.docx"].ko and "'.docx' is not read" in refused["memo.docx"].en
    assert "한도 1 MB" in refused["big.txt"].ko and "the limit is 1 MB" in refused["big.txt"].en
    assert "읽을 수 없어" in refused["scan.pdf"].ko and "could not be read" in refused["scan.pdf"].en
    assert seen == [(1, 3, "voucher_ko.pdf"), (2, 3, "harbour_ko.md"), (3, 3, "scan.pdf")]
    assert any("✖ memo.docx: 읽지 않는 파일 형식" in line and " / file type" in line for line in report.lines())

    saved = tmp_path / "data" / "uploads"
    assert sorted(p.name for p in saved.iterdir() if not p.name.startswith(".")) == ["harbour_ko.md", "voucher_ko.pdf"]
    assert (saved / "voucher_ko.pdf").read_bytes() == pdf.read_bytes()
    assert not (saved / ".staging").exists()
    assert sources(service, VOUCHER_QUESTION)[0] == "voucher_ko.pdf"
    assert "3,000만 원" in service.ask(VOUCHER_QUESTION).text


def test_hwp_and_hwpx_notices_upload_together(service, tmp_path):
    from test_hwp import build_notice

    files = [build_notice(tmp_path / "in", "hwpx", stem="smart_factory_2026"),
             build_notice(tmp_path / "in", "hwp", stem="smart_factory_2026_copy")]
    report = uploads(service, tmp_path / "data").upload(files)
    assert report.indexed == ["smart_factory_2026.hwpx", "smart_factory_2026_copy.hwp"] and not report.refused
    answer = service.ask("스마트공장 구축 지원사업 고도화 단계의 지원 한도는 얼마인가요?")
    assert "1억 2,000만 원" in answer.text and answer.citations[0].source.startswith("smart_factory_2026")


def test_a_file_that_cannot_be_read_never_replaces_the_good_copy(service, tmp_path):
    box = uploads(service, tmp_path / "data")
    good = "# 항만 안내\n\n## 신청\n항만 물류 고도화 사업은 해양수산부에 신청한다.\n"
    assert box.upload([received(tmp_path / "a", "port_ko.txt", good)]).indexed == ["port_ko.txt"]
    again = box.upload([received(tmp_path / "b", "port_ko.txt", good)])
    assert again.unchanged == ["port_ko.txt"] and again.indexed == []

    broken = box.upload([received(tmp_path / "c", "port_ko.txt", b"\x00\x01binary")])
    assert broken.indexed == [] and "the file is binary" in broken.refused[0].en
    assert (tmp_path / "data" / "uploads" / "port_ko.txt").read_text(encoding="utf-8") == good
    assert sources(service, "항만 물류 고도화 사업은 어디에 신청하나요?")[0] == "port_ko.txt"


def test_one_upload_at_a_time_and_the_chat_answers_from_complete_documents_meanwhile(service, tmp_path):
    """An upload paused after its first file: a second one is told to wait; the service answers from the old
    documents and the finished file, never from the one still being written; then from all, without a restart."""
    first_done, go_on = threading.Event(), threading.Event()

    def pause(done: int, total: int, path: Path) -> None:
        if done == 1:
            first_done.set()
            assert go_on.wait(120)

    box = uploads(service, tmp_path / "data")
    late = HARBOUR_MD.replace("8억", "9억").replace("스마트 항만", "스마트 부두")
    files = [received(tmp_path / "in", "rail_ko.md", "# 철도 공고\n\n## 지원\n철도 부품 국산화 사업은 과제당 5억 원을 지원한다.\n"),
             received(tmp_path / "in", "harbour_late_ko.md", late)]
    result = {}
    worker = threading.Thread(target=lambda: result.setdefault("report", box.upload(files, pause)))
    worker.start()
    try:
        assert first_done.wait(120)
        with pytest.raises(UploadBusy, match="다른 업로드를 색인하는 중입니다.* / Another upload is being indexed"):
            uploads(service, tmp_path / "data").upload([received(tmp_path / "other", "x.md", "# x\n\nx")])
        assert "500" in service.ask(FACTORY_QUESTION).text
        assert sources(service, "철도 부품 국산화 사업은 과제당 얼마를 지원하나요?")[0] == "rail_ko.md"
        assert "harbour_late_ko.md" not in sources(service, "스마트 부두 실증 사업은 과제당 얼마를 지원하나요?")
    finally:
        go_on.set()
        worker.join(120)
    assert result["report"].indexed == ["rail_ko.md", "harbour_late_ko.md"]
    assert sources(service, "스마트 부두 실증 사업은 과제당 얼마를 지원하나요?")[0] == "harbour_late_ko.md"


def test_another_service_on_the_same_index_answers_from_an_upload_without_a_restart(service, tmp_path):
    """A second server process (replica) on the index follows the upload through the index's generation."""
    replica = AssistantService(service.settings)
    question = "수소 충전소 구축 지원은 기당 얼마인가요?"
    assert "hydrogen_ko.md" not in sources(replica, question)
    uploads(service, tmp_path / "data").upload([received(tmp_path / "in", "hydrogen_ko.md",
                                                         "# 수소 충전소\n\n## 지원\n수소 충전소 구축 지원은 기당 15억 원이다.\n")])
    assert sources(replica, question)[0] == "hydrogen_ko.md"


@pytest.mark.parametrize("raw, name", [
    ("../../etc/passwd.md", "passwd.md"),
    ("C:\\Users\\직원\\공고.pdf", "공고.pdf"),
    (unicodedata.normalize("NFD", "지원사업 공고.hwp"), "지원사업 공고.hwp"),
    (".hidden.md", "hidden.md"),
    ("a\x00b\x1f.txt", "ab.txt"),
    ("...", ""),
])
def test_document_names_are_plain_file_names(raw, name):
    assert document_name(raw) == name


def test_a_file_without_a_name_or_one_that_did_not_arrive_is_refused(service, tmp_path):
    box = uploads(service, tmp_path / "data")
    assert "이름이 없습니다" in box.check("", tmp_path / "...").ko
    missing = box.check("gone.md", tmp_path / "gone.md")
    assert "받지 못했습니다" in missing.ko and "did not arrive" in missing.en
