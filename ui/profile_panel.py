"""The company-profile panel: the facts eligibility depends on, read into a Profile, and the 'programs for my
company' table of the service's assessments (verdict, each requirement's status, and its source)."""

from __future__ import annotations

import functools
import html
from collections.abc import Callable
from typing import Any

import gradio as gr

from assistant.profile import FIELDS, Profile, label

from .source_view import source_url
from .sources import page_label
from .strings import text

# The panel's fields, in read_profile's argument order.
PANEL_FIELDS = ("size_class", "employees", "revenue_krw", "sector", "region", "years_in_business", "certifications")
CERTIFICATIONS = ("venture", "innobiz", "mainbiz")
# What a field starts as, by kind.
_FIRST: dict[str, dict[str, Any]] = {
    "code": {"value": ""}, "number": {"value": "", "max_lines": 1}, "codes": {"value": []},
}
_MARK = {"met": "✔", "not_met": "✘", "unknown": "?"}
_VERDICTS = ("eligible", "need_info", "not_eligible")
# Sales are entered in 억 원 (100 million won), as Korean notices state them.
_WON_PER_UNIT = 100_000_000


def _field_label(name: str, language: str) -> str:
    if name == "revenue_krw":
        return text("revenue", language)
    shown = FIELDS[name].label[0 if language == "ko" else 1]
    return shown[:1].upper() + shown[1:]


def _code_label(name: str, code: str, language: str) -> str:
    shown = label(name, code, language)
    return text("other", language) if shown == code else shown


def _choices(name: str, language: str, optional: bool = True) -> list[tuple[str, str]]:
    codes = FIELDS[name].codes or CERTIFICATIONS
    given = [(_code_label(name, code, language), code) for code in codes]
    return [(text("not_given", language), ""), *given] if optional else given


class ProfileError(ValueError):
    """A number field that does not hold a number; the message names the field in the panel's language."""


def _number(name: str, value: str | None, language: str) -> float | None:
    """A number field's value ('1,200' = 1200); None when empty."""
    cleaned = (value or "").replace(",", "").strip()
    if not cleaned:
        return None
    try:
        number = float(cleaned)
        if 0 <= number < 1e15:
            return number
    except ValueError:
        pass
    raise ProfileError(text("number_invalid", language, field=_field_label(name, language)))


def read_profile(
    size_class: str | None, employees: str | None, revenue: str | None, sector: str | None, region: str | None,
    years: str | None, certifications: list[str] | None, language: str = "ko",
) -> Profile:
    """The profile the panel's fields state (a field left empty is unknown); raises ProfileError for a number field
    that holds no number."""
    staff = _number("employees", employees, language)
    sales = _number("revenue_krw", revenue, language)
    values = {
        "size_class": size_class or None,
        "employees": None if staff is None else round(staff),
        "revenue_krw": None if sales is None else round(sales * _WON_PER_UNIT),
        "sector": sector or None,
        "region": region or None,
        "years_in_business": _number("years_in_business", years, language),
        "certifications": tuple(certifications) if certifications else None,
    }
    return Profile(**{name: value for name, value in values.items() if value is not None})


def facts(profile: Profile, language: str) -> str:
    """The known facts as a user reads them ('소재지 경북, 업종 제조업')."""
    lang = 0 if language == "ko" else 1
    known = profile.known().items()
    return ", ".join(f"{FIELDS[name].label[lang]} {label(name, value, language)}" for name, value in known)


def render_programs(assessments: list[dict], profile: Profile, language: str) -> str:
    """The table of programs for the profile: assessments in the `assistant match --json` shape, best first."""
    heading = f'<h2 class="programs-heading">{text("programs", language)}</h2>'
    if not profile.known():
        empty = f'<p class="programs-status">{text("programs_empty", language)}</p>'
        return f'<section class="programs">{heading}{empty}</section>'
    counts = {verdict: sum(a["verdict"] == verdict for a in assessments) for verdict in _VERDICTS}
    head = "".join(f'<th scope="col">{text(key, language)}</th>' for key in ("program", "verdict", "criteria"))
    rows = "".join(_row(assessment, language) for assessment in assessments)
    return (
        f'<section class="programs">{heading}'
        f'<p class="programs-count">{text("programs_count", language, **counts)}</p>'
        f'<table class="program-table"><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>'
        f'<p class="programs-note">{text("programs_note", language)}</p></section>'
    )


def _row(assessment: dict, language: str) -> str:
    verdict = assessment["verdict"]
    criteria = "".join(_criterion(item, language) for item in assessment["criteria"])
    notes = []
    if assessment["next_question"]:
        notes.append(text("next_question", language, question=html.escape(assessment["next_question"])))
    notes += [text("would_change", language, fix=html.escape(fix)) for fix in assessment["would_change"]]
    return (
        f'<tr class="program verdict-{verdict}" data-program="{html.escape(assessment["program"])}">'
        f'<th scope="row">{html.escape(assessment["name"])}</th>'
        f'<td><strong class="tag tag-{verdict}">{text(verdict, language)}</strong></td>'
        f'<td><ul class="criteria">{criteria}</ul>'
        + "".join(f'<p class="program-note">{note}</p>' for note in notes)
        + "</td></tr>"
    )


def _criterion(item: dict, language: str) -> str:
    status, cite = item["status"], item["citation"]
    where = " ".join(part for part in (cite["source"], page_label(cite["page"], language)) if part)
    link = html.escape(source_url(cite["source"], cite["page"], cite["snippet"], language))
    return (
        f'<li class="criterion status-{status}"><span class="status">{_MARK[status]} {text(status, language)}</span> '
        f'{html.escape(item["criterion"])} <a class="source-link" href="{link}" target="_blank" rel="noopener" '
        f'title="{html.escape(where)}">{text("source_link", language)}</a></li>'
    )


class ProfilePanel:
    """The panel's fields, built where it is created (inside a gr.Blocks); inputs are in read_profile's order."""

    def __init__(self, language: str) -> None:
        self.fields = {name: _field(name, language, first=True) for name in PANEL_FIELDS}

    @property
    def inputs(self) -> list[gr.components.Component]:
        return list(self.fields.values())

    def labels(self) -> list[tuple[gr.components.Component, Callable[[str], Any]]]:
        """Each field with the update that shows it in a language (its choices relabelled, its value kept)."""
        return [(component, functools.partial(_field, name)) for name, component in self.fields.items()]


def _field(name: str, language: str, first: bool = False) -> gr.components.Component:
    """A field in a language: the component itself (first), or an update that relabels it."""
    shown: dict[str, Any] = {"label": _field_label(name, language)}
    if first:
        shown |= {"elem_id": f"profile-{name.replace('_', '-')}", **_FIRST[FIELDS[name].kind]}
    if name == "certifications":
        return gr.CheckboxGroup(_choices(name, language, optional=False), **shown)
    if FIELDS[name].kind == "code":
        return gr.Dropdown(_choices(name, language), **shown)
    return gr.Textbox(**shown)
