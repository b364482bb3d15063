"""Every string the public chat shows, in Korean (first) and English: one table, looked up with text(key, language)."""

from __future__ import annotations

LANGUAGES = [("한국어", "ko"), ("English", "en")]

STRINGS: dict[str, tuple[str, str]] = {
    # Page
    "page_title": ("중소기업 지원사업 도우미", "SME Support Assistant"),
    "header": (
        "# 중소기업 지원사업 도우미\n\n정부 지원사업 문서에서 답을 찾아 출처(문서, 쪽, 인용문)와 함께 알려 드립니다. "
        "답의 [번호]를 누르면 근거가 된 출처로 이동합니다.",
        "# SME Support Assistant\n\nAnswers questions about government support programs from the indexed documents, "
        "with their sources (document, page, quoted passage). Select a [number] in an answer to go to its source.",
    ),
    "footer": (
        "색인된 문서 {count}개 · 안내는 공고문에 근거한 참고 정보이며, 최종 판단은 운영기관이 합니다.",
        "{count} documents indexed · Guidance from the published notices; the operating agency decides.",
    ),
    # Chat
    "tab_chat": ("상담", "Ask"),
    "chat": ("대화", "Conversation"),
    "chat_placeholder": ("질문을 하면 답과 그 출처가 여기에 표시됩니다.", "Ask a question: the answer and its sources appear here."),
    "question": ("질문을 입력하세요", "Type your question"),
    "send": ("보내기", "Send"),
    "new_chat": ("새 대화", "New conversation"),
    "examples": ("예시 질문", "Example questions"),
    "searching": ("문서를 찾는 중…", "Searching the documents…"),
    "found": ("관련 문단 {count}개를 찾았습니다. 답을 정리하는 중…", "Found {count} passages; writing the answer…"),
    "found_none": ("관련 문단을 찾지 못했습니다.", "No relevant passages found."),
    "writing": ("답을 작성하는 중…", "Writing the answer…"),
    "sorry": (
        "죄송합니다. 질문을 처리하지 못했습니다. 잠시 후 다시 시도해 주세요.",
        "Sorry, something went wrong; please try again.",
    ),
    "cannot_ask": ("죄송합니다. {reason}", "Sorry: {reason}"),
    "rate_limited_title": ("잠시 기다려 주세요", "Please wait"),
    "rate_limited": (
        "짧은 시간에 질문이 너무 많았습니다. {seconds}초 뒤에 다시 보내 주세요. 입력한 질문은 그대로 남아 있습니다.",
        "Too many questions in a short time; please send it again in {seconds} s. Your question is still in the box.",
    ),
    "queue_full": (
        "지금은 기다리는 질문이 많아 받을 수 없습니다. 입력한 질문은 그대로 남아 있으니 잠시 뒤에 다시 보내 주세요.",
        "Too many questions are waiting right now. Your question is still in the box: please send it again in a moment.",
    ),
    "too_many_requests": (
        "짧은 시간에 요청이 너무 많았습니다. {seconds}초 뒤에 다시 시도해 주세요.",
        "Too many requests in a short time; please try again in {seconds} s.",
    ),
    # Sources panel
    "sources": ("출처", "Sources"),
    "sources_empty": (
        "질문을 하면 답의 근거가 된 문서와 인용문이 여기에 표시됩니다. 이전 답을 누르면 그 답의 출처가 보입니다.",
        "The documents and passages an answer is based on appear here. Select an earlier answer to see its sources.",
    ),
    "sources_none": ("제공된 문서 중 이 질문에 답하는 출처가 없습니다.", "No indexed source answers this question."),
    "sources_closest": (
        "질문에 답하지는 않지만 가장 가까운 문단입니다.",
        "The closest passage; it does not answer the question.",
    ),
    "page": ("{page}쪽", "p. {page}"),
    "open_source": ("원문에서 보기", "Open in the document"),
    # Feedback
    "feedback": ("이 답변이 도움이 되었나요?", "Was this answer helpful?"),
    "feedback_comment": ("의견 (선택)", "Comment (optional)"),
    "feedback_hint": (
        "더 필요했던 내용을 적어 주세요. 이름·전화번호 같은 개인정보는 적지 마세요.",
        "What was missing? Please do not write names, phone numbers or other personal data.",
    ),
    "helpful": ("도움이 됐어요", "Helpful"),
    "unhelpful": ("도움이 안 됐어요", "Not helpful"),
    "feedback_saved": ("의견을 저장했습니다. 감사합니다.", "Thank you: your feedback is saved."),
    "feedback_failed": ("의견을 저장하지 못했습니다. 잠시 후 다시 시도해 주세요.", "Your feedback could not be saved; please try again."),
    # Company profile and programs
    "tab_programs": ("우리 회사 맞춤 사업", "Programs for my company"),
    "profile": ("회사 정보", "Your company"),
    "profile_hint": (
        "입력한 정보로 지원사업별 신청 요건을 확인하고, 상담 답변의 자격 판단에도 씁니다. 모르는 항목은 비워 두세요.",
        "What you enter here is checked against each program's requirements and used when the chat answers whether "
        "you qualify. Leave out what you do not know.",
    ),
    "not_given": ("선택 안 함", "Not given"),
    "other": ("기타", "other"),
    "revenue": ("연 매출액 (억 원)", "Annual sales (100 million won)"),
    "number_invalid": ("{field}: 숫자로 입력해 주세요 (예: 45).", "{field}: please enter a number (e.g. 45)."),
    "profile_in_chat": ("상담에 반영되는 회사 정보: {facts}", "Company facts used in the chat: {facts}"),
    "programs": ("지원사업별 신청 요건 확인", "Requirements, program by program"),
    "programs_empty": (
        "회사 정보를 하나 이상 입력하면 지원사업별 판정이 표시됩니다.",
        "Enter at least one fact about your company to see a verdict per program.",
    ),
    "programs_count": (
        "요건 충족 {eligible}개 · 추가 확인 필요 {need_info}개 · 요건 미충족 {not_eligible}개",
        "{eligible} eligible · {need_info} need more information · {not_eligible} not eligible",
    ),
    "program": ("지원사업", "Program"),
    "verdict": ("판정", "Verdict"),
    "criteria": ("요건별 확인", "Requirement by requirement"),
    "eligible": ("신청 요건 충족", "Meets the requirements"),
    "need_info": ("추가 확인 필요", "More information needed"),
    "not_eligible": ("신청 요건 미충족", "Does not meet the requirements"),
    "met": ("충족", "met"),
    "not_met": ("미충족", "not met"),
    "unknown": ("확인 필요", "unknown"),
    "next_question": ("확인할 사항: {question}", "To decide: {question}"),
    "would_change": ("달라질 수 있는 경우: {fix}", "What would change this: {fix}"),
    "source_link": ("출처", "Source"),
    "programs_note": (
        "공고문에 적힌 요건만 비교한 결과이며, 최종 선정은 운영기관의 심사로 정해집니다.",
        "This compares only the requirements the notices state; the operating agency makes the final selection.",
    ),
    # Source view
    "source_title": ("원문 보기", "Source"),
    "source_quote_missing": (
        "인용문을 이 쪽의 색인된 본문에서 정확히 찾지 못했습니다. 인용문:",
        "The quoted passage was not found word for word in this page's indexed text. The quote:",
    ),
    "source_whole": ("문서 전체", "whole document"),
    "back_to_chat": ("← 상담 화면으로", "← Back to the chat"),
    "not_found_title": ("문서를 찾을 수 없습니다", "Document not found"),
    "not_found_text": (
        "색인된 문서 중에 ‘{document}’(또는 그 쪽)이 없습니다. 문서가 교체되었거나 주소가 잘못되었을 수 있습니다.",
        "No indexed document is called ‘{document}’ (or it has no such page). It may have been replaced, or the "
        "address is wrong.",
    ),
}

# Questions the assistant answers well from the shipped corpus (each checked with `assistant ask`).
EXAMPLES: dict[str, list[str]] = {
    "ko": [
        "2030년까지 AI 팩토리를 몇 개 만드나요?",
        "산업 디지털 혁신 펀드는 얼마 규모인가요?",
        "규제자유특구는 누가 지정 신청하나요?",
        "우리 회사(경북, 제조업, 직원 45명)가 스마트공장 지원을 받을 수 있나요?",
        "창업 3년차 부산 제조업체인데 창업기반지원자금 받을 수 있나요?",
    ],
    "en": [
        "How many AI factories will Korea build by 2030?",
        "What is a regulation-free special zone?",
        "How much is the start-up commercialisation fund in 2026?",
        "We are a manufacturer in Gyeongbuk with 45 employees. Can we apply for smart factory support?",
    ],
}


def text(key: str, language: str, **values: object) -> str:
    """The string in the language ('ko' or 'en'; anything else reads as English), with its {placeholders} filled."""
    ko, en = STRINGS[key]
    chosen = ko if language == "ko" else en
    return chosen.format(**values) if values else chosen


def both(key: str, **values: object) -> str:
    """The string in Korean and English, 'ko / en', for what is shown without a chosen language (API errors)."""
    return f"{text(key, 'ko', **values)} / {text(key, 'en', **values)}"
