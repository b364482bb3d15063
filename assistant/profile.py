"""A company's profile (the facts eligibility depends on) and reading those facts from what a user writes.

Regex for numbers, Kiwi nouns for places and size classes, and the term list in data/profile_terms.tsv for the rest:
on sentences such as '우리 회사(경북, 제조업, 직원 45명)' these beat any named-entity model available offline.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from importlib import resources

from pydantic import BaseModel, ConfigDict, Field, field_validator

REGIONS = (
    "seoul", "busan", "daegu", "incheon", "gwangju", "daejeon", "ulsan", "sejong", "gyeonggi", "gangwon",
    "chungbuk", "chungnam", "jeonbuk", "jeonnam", "gyeongbuk", "gyeongnam", "jeju",
)
# 'sme' is what '중소기업' says: one of micro, small or medium, without saying which.
SIZE_CLASSES = ("micro", "small", "medium", "sme", "middle", "large")
SME_CLASSES = ("micro", "small", "medium")
SECTORS = (
    "manufacturing", "ict", "knowledge_service", "service", "construction", "wholesale_retail",
    "agriculture_fishery", "other",
)
APPLICANTS = ("company", "local_government", "research_institute", "individual")


@dataclass(frozen=True)
class FieldSpec:
    """One profile field: its kind, allowed codes (empty: free codes), and how to name it and ask for it."""

    name: str
    kind: str  # 'code', 'number', 'boolean' or 'codes' (a list)
    label: tuple[str, str]  # Korean, English
    question: tuple[str, str]
    codes: tuple[str, ...] = ()


FIELDS: dict[str, FieldSpec] = {spec.name: spec for spec in (
    FieldSpec("applicant", "code", ("신청 주체", "applicant"),
              ("신청하시는 곳이 기업인가요, 지방자치단체인가요?", "Are you applying as a company or as a local government?"),
              APPLICANTS),
    FieldSpec("region", "code", ("소재지", "location"),
              ("회사(사업장)는 어느 시·도에 있나요?", "In which city or province is your business located?"), REGIONS),
    FieldSpec("sector", "code", ("업종", "sector"),
              ("어떤 업종인가요? (예: 제조업, 정보통신업, 서비스업)",
               "What is your company's sector (e.g. manufacturing, ICT, services)?"), SECTORS),
    FieldSpec("size_class", "code", ("기업 규모", "company size"),
              ("기업 규모는 어떻게 되나요? (소상공인·소기업·중기업·중견기업·대기업)",
               "What size class is your company (micro, small, medium, middle-market or large)?"), SIZE_CLASSES),
    FieldSpec("employees", "number", ("상시 근로자 수", "employees"),
              ("상시 근로자는 몇 명인가요?", "How many full-time employees does your company have?")),
    FieldSpec("years_in_business", "number", ("업력", "years in business"),
              ("창업한 지 몇 년 되었나요?", "How many years has your company been in business?")),
    FieldSpec("revenue_krw", "number", ("연 매출액", "annual sales"),
              ("연 매출액은 얼마인가요?", "What are your company's annual sales, in won?")),
    FieldSpec("certifications", "codes", ("보유 인증", "certifications"),
              ("벤처기업·이노비즈·메인비즈 등 보유한 인증이 있나요?",
               "Which certifications does your company hold (venture, Inno-Biz, Main-Biz …)?")),
    FieldSpec("received_support", "codes", ("기존 지원 이력", "support already received"),
              ("이 사업의 지원을 이미 받은 적이 있나요?", "Has your company already received support from this program?")),
    FieldSpec("tax_arrears", "boolean", ("세금 체납", "tax arrears"),
              ("국세나 지방세 체납이 있나요?", "Does your company have unpaid national or local taxes?")),
)}


class Profile(BaseModel):
    """What is known about a company; a field left out is unknown, never assumed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    applicant: str | None = None
    region: str | None = None
    sector: str | None = None
    size_class: str | None = None
    employees: int | None = Field(None, ge=0)
    years_in_business: float | None = Field(None, ge=0)
    revenue_krw: int | None = Field(None, ge=0)
    certifications: tuple[str, ...] | None = None
    received_support: tuple[str, ...] | None = None
    tax_arrears: bool | None = None

    @field_validator("applicant", "region", "sector", "size_class")
    @classmethod
    def _known_code(cls, value: str | None, info) -> str | None:
        codes = FIELDS[info.field_name].codes
        if value is not None and value not in codes:
            raise ValueError(f"'{value}' is not a {info.field_name} code; one of: {', '.join(codes)}")
        return value

    def known(self) -> dict[str, object]:
        """The fields that are known, in field order."""
        return {name: getattr(self, name) for name in FIELDS if getattr(self, name) is not None}

    def merged(self, newer: Profile) -> Profile:
        """This profile with the newer one's known facts on top (a later turn corrects an earlier one)."""
        return self.model_copy(update=newer.known())


@dataclass(frozen=True)
class Terms:
    """The term list, read once: code → label per language, and the terms that state each code."""

    labels: dict[tuple[str, str, str], str] = field(default_factory=dict)  # (field, code, language) → label
    terms: list[tuple[str, str, str, str]] = field(default_factory=list)  # (field, code, language, term)


@functools.cache
def terms() -> Terms:
    """The term list (read on first use)."""
    found = Terms()
    text = resources.files("assistant").joinpath("data/profile_terms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        name, code, language, term = line.split("\t")
        found.labels.setdefault((name, code, language[:2]), term)
        if not language.endswith("-label"):
            found.terms.append((name, code, language, term))
    return found


def label(name: str, value: object, language: str) -> str:
    """A profile value as a user reads it ('gyeongbuk' → '경북' / 'North Gyeongsang', 45 → '45')."""
    lang = "ko" if language == "ko" else "en"
    if isinstance(value, tuple):
        return ", ".join(label(name, v, language) for v in value) or "-"
    if isinstance(value, bool):
        return ("예" if value else "아니요") if lang == "ko" else ("yes" if value else "no")
    if isinstance(value, str):
        return terms().labels.get((name, value, lang), value)
    if name == "revenue_krw" and isinstance(value, int):
        return f"{value / 1e8:,.1f}억 원" if lang == "ko" else f"{value / 1e9:,.2f} billion won"
    return f"{value:g}" if isinstance(value, float) else str(value)

