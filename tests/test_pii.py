"""Personal data in chat messages: what is found and masked, and the public numbers that must be left alone."""

import dataclasses

import pytest

from assistant.pii import Finding, find_business_numbers, find_personal_data, mask


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in find_personal_data(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        # rrn: with or without a valid checksum (…567 fails it, …568 passes), '-', space or nothing, alien numbers
        ("제 주민번호는 900101-1234567입니다", [("rrn", "900101-1234567")]),
        ("my RRN is 900101-1234568", [("rrn", "900101-1234568")]),
        ("주민번호 900101 2234567", [("rrn", "900101 2234567")]),
        ("주민번호 0503154234567", [("rrn", "0503154234567")]),
        ("외국인등록번호 851224-5123456", [("rrn", "851224-5123456")]),
        # phone: mobile with each separator, landlines, +82
        ("010-1234-5678로 연락 주세요", [("phone", "010-1234-5678")]),
        ("call 010.1234.5678 or 011 234 5678", [("phone", "010.1234.5678"), ("phone", "011 234 5678")]),
        ("번호는01012345678", [("phone", "01012345678")]),
        ("사무실 02-123-4567, 지점 031-1234-5678", [("phone", "02-123-4567"), ("phone", "031-1234-5678")]),
        ("office (02) 123-4567", [("phone", "(02) 123-4567")]),
        ("reach me on +82 10-1234-5678", [("phone", "+82 10-1234-5678")]),
        ("+82-2-123-4567로 전화", [("phone", "+82-2-123-4567")]),
        # email
        ("mail me at hong@example.com.", [("email", "hong@example.com")]),
        ("메일은 gil-dong.hong+sme@mail.example.co.kr로", [("email", "gil-dong.hong+sme@mail.example.co.kr")]),
        # card: Luhn-valid, grouped by spaces or '-', Amex 4-6-5, bare digits
        ("card 4111 1111 1111 1111", [("card", "4111 1111 1111 1111")]),
        ("카드 5500-0000-0000-0004 결제", [("card", "5500-0000-0000-0004")]),
        ("amex 3782 822463 10005", [("card", "3782 822463 10005")]),
        ("card 4111111111111111 exp 12/27", [("card", "4111111111111111")]),
        # account: a hyphenated 10-14 digit number right after words naming an account
        ("국민은행 계좌 123-456-789012로 보내주세요", [("account", "123-456-789012")]),
        ("우리은행 1002-123-456789", [("account", "1002-123-456789")]),
        ("신한 110-123-456789", [("account", "110-123-456789")]),
        ("my bank account is 352-0123-4567-83", [("account", "352-0123-4567-83")]),
    ],
)
def test_each_kind_is_found(text, expected):
    assert _found(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1357",
        "중소기업 통합콜센터 1357",
        "1811-3655",
        "문의: 1588-1234",
        "4조 4,313억 원",
        "1,234,567원",
        "2025. 12. 22.",
        "2010.12.22",
        "중소벤처기업부 공고 제2025-649호",
        "2026-01-05",
        "AI 팩토리 500개",
        "In 2025, 12,000 companies",
        "4111 1111 1111 1112",  # Luhn fails: not a card
        "4111-1111-1111-1112",
        "901301-1234567",  # month 13: not a birth date
        "900230-1234567",  # 30 February
        "900101-9234567",  # 7th digit 9: no such registration number
        "번호 123-456-789012",  # no word naming an account nearby
        "계좌 123-4567",  # too few digits for an account
        "계좌 안내는 공고 본문의 마지막 쪽을 보시면 123-456-789012",  # the account word is too far away
        "사업자등록번호 220-81-62517",
        "국민은행 거래처 220-81-62517",  # a business number is not an account even next to a bank name
    ],
)
def test_public_numbers_and_look_alikes_stay_untouched(text):
    assert find_personal_data(text) == []
    assert mask(text) == (text, ())


@pytest.mark.parametrize(
    "text, expected",
    [
        ("사업자등록번호 220-81-62517입니다", ["220-81-62517"]),
        ("biz no. 220 81 62517 and 2208162517", ["220-81-62517", "220-81-62517"]),
        ("220-81-62518", []),  # checksum fails
        ("010-12-34567", []),  # tax office codes never start with 0
        ("1220-81-62517", []),  # part of a longer number
    ],
)
def test_business_numbers_are_recognised_with_their_checksum(text, expected):
    assert find_business_numbers(text) == expected


@pytest.mark.parametrize(
    "text, masked, kinds",
    [
        (
            "제 주민번호는 900101-1234567이고 010-1234-5678로 연락 주세요",
            "제 주민번호는 [주민등록번호]이고 [전화번호]로 연락 주세요",
            ("rrn", "phone"),
        ),
        ("my RRN is 900101-1234567, phone 010-1234-5678", "my RRN is [resident registration number], phone [phone number]",
         ("rrn", "phone")),
        ("mail me at hong@example.com", "mail me at [e-mail]", ("email",)),
        ("hong@example.com으로 보내주세요", "[이메일]으로 보내주세요", ("email",)),
        ("card 4111 1111 1111 1111", "card [card number]", ("card",)),
        ("카드번호 4111-1111-1111-1111 입니다", "카드번호 [카드번호] 입니다", ("card",)),
        ("국민은행 계좌 123-456-789012로 보내주세요", "국민은행 계좌 [계좌번호]로 보내주세요", ("account",)),
        ("bank account 123-456-789012 please", "bank account [account number] please", ("account",)),
        # kinds in order of first appearance, each once
        ("010-1234-5678 or 02-123-4567, mail a@b.org", "[phone number] or [phone number], mail [e-mail]",
         ("phone", "email")),
        ("메일 a@b.org, 번호 010-1234-5678, 메일 c@d.org", "메일 [이메일], 번호 [전화번호], 메일 [이메일]",
         ("email", "phone")),
        # a business number is left in place while the personal data around it is masked
        ("사업자 220-81-62517, 대표 010-1234-5678", "사업자 220-81-62517, 대표 [전화번호]", ("phone",)),
    ],
)
def test_mask_uses_labels_in_the_texts_language_and_returns_the_kinds(text, masked, kinds):
    assert mask(text) == (masked, kinds)


@pytest.mark.parametrize(
    "text, masked, kinds",
    [
        # the phone digits inside an address: the longer finding (the e-mail) wins
        ("연락은 01012345678@example.com", "연락은 [이메일]", ("email",)),
        # 13 bare digits that are both a birth-date RRN and Luhn-valid: same length, the RRN names it
        ("번호 9001011234563", "번호 [주민등록번호]", ("rrn",)),
        # adjacent findings are each masked, nothing between them lost
        ("hong@example.com010-1234-5678", "[e-mail][phone number]", ("email", "phone")),
        ("900101-1234567,010-1234-5678/hong@example.com", "[resident registration number],[phone number]/[e-mail]",
         ("rrn", "phone", "email")),
    ],
)
def test_overlapping_and_adjacent_findings(text, masked, kinds):
    assert mask(text) == (masked, kinds)


def test_findings_are_ordered_frozen_spans():
    text = "a@b.org 010-1234-5678"
    findings = find_personal_data(text)
    assert findings == [Finding("email", 0, 7), Finding("phone", 8, 21)]
    with pytest.raises(dataclasses.FrozenInstanceError):
        findings[0].kind = "phone"
