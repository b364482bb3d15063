"""Program cards: one YAML file per support program, each eligibility criterion carrying the clause it comes from.

Cards are data, like OpenFisca's parameters: the engine in eligibility.py never names a program. A card that does
not validate is refused with the file and the field that is wrong, never half-read.
"""

from __future__ import annotations

import datetime
import re
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator

from .grounding import squash
from .profile import FIELDS, FieldSpec
from .text import unbracketed

Rule = Literal["in", "not_in", "at_least", "at_most", "below", "is", "any_of", "none_of"]
# Which rules make sense for which kind of profile field, and what the card's value must then be.
_RULES_BY_KIND: dict[str, set[str]] = {
    "code": {"in", "not_in"},
    "number": {"at_least", "at_most", "below"},
    "boolean": {"is"},
    "codes": {"any_of", "none_of"},
}
_ID = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


class CardError(ValueError):
    """Cards that cannot be used; the message names each file and field that is wrong."""


class Text(BaseModel):
    """The same thing said in Korean and in English."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    ko: str = Field(min_length=1)
    en: str = Field(min_length=1)

    def in_language(self, language: str) -> str:
        return self.ko if language == "ko" else self.en


class Cite(BaseModel):
    """Where a criterion comes from: a document in the corpus, its page (PDF) and clause, and a verbatim quote."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    document: str = Field(min_length=1)
    page: int | None = None
    clause: str = Field(min_length=1)
    quote: str = Field(min_length=1)


class Source(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    document: str | None = None
    title: str = Field(min_length=1)
    publisher: str = Field(min_length=1)
    date: datetime.date
    url: str | None = None


class Amount(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    cap_krw: int | None = Field(None, ge=0)
    ratio: float | None = Field(None, gt=0, le=1)


class Criterion(BaseModel):
    """One condition of eligibility as data: a profile field, a rule and the value it is tested against."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    field: str
    rule: Rule
    value: bool | float | str | tuple[str, ...]
    text: Text
    cite: Cite
    fix: Text | None = None

    @field_validator("field")
    @classmethod
    def _known_field(cls, name: str) -> str:
        if name not in FIELDS:
            raise ValueError(f"'{name}' is not a profile field; one of: {', '.join(FIELDS)}")
        return name

    @field_validator("rule")
    @classmethod
    def _rule_fits_field(cls, rule: str, info: ValidationInfo) -> str:
        spec = FIELDS.get(info.data.get("field", ""))
        if spec and rule not in _RULES_BY_KIND[spec.kind]:
            raise ValueError(
                f"rule '{rule}' does not apply to {spec.name} ({spec.kind}); use one of: "
                f"{', '.join(sorted(_RULES_BY_KIND[spec.kind]))}"
            )
        return rule

    @field_validator("value")
    @classmethod
    def _value_fits_field(cls, value: object, info: ValidationInfo) -> object:
        spec = FIELDS.get(info.data.get("field", ""))
        if spec:
            _check_value(spec, value)
        return value


def _check_value(spec: FieldSpec, value: object) -> None:
    if spec.kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"value of {spec.name} must be a number, not {value!r}")
    elif spec.kind == "boolean":
        if not isinstance(value, bool):
            raise ValueError(f"value of {spec.name} must be true or false, not {value!r}")
    else:
        if not isinstance(value, tuple) or not value:
            raise ValueError(f"value of {spec.name} must be a non-empty list, not {value!r}")
        unknown = [v for v in value if spec.codes and v not in spec.codes]
        if unknown:
            raise ValueError(f"{', '.join(map(repr, unknown))} not a {spec.name} code; one of: {', '.join(spec.codes)}")


class Card(BaseModel):
    """A support program: what it funds, who runs it, and who may apply (criteria with their clauses)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str
    name: Text
    aliases: tuple[str, ...] = ()
    ministry: Text
    agency: Text | None = None
    funds: Text
    support: Text | None = None
    amount: Amount | None = None
    period: Text | None = None
    contact: Text | None = None
    sources: tuple[Source, ...] = Field(min_length=1)
    criteria: tuple[Criterion, ...] = Field(min_length=1)

    @field_validator("id")
    @classmethod
    def _id_form(cls, value: str) -> str:
        if not _ID.match(value):
            raise ValueError(f"'{value}' must be lowercase letters, digits and '-'")
        return value


def load_card(path: Path) -> Card:
    """Read and validate one card; raise CardError naming the file and every wrong field."""
    import yaml  # only where cards are read

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise CardError(f"{path}: cannot be read as YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise CardError(f"{path}: a card is a YAML mapping (id, name, criteria, …)")
    try:
        card = Card.model_validate(data)
    except ValidationError as exc:
        raise CardError("\n".join(f"{path}: {_where(e['loc'])}: {e['msg']}" for e in exc.errors())) from exc
    if card.id != path.stem:
        raise CardError(f"{path}: id: '{card.id}' must equal the file name '{path.stem}'")
    return card


def _where(location: tuple) -> str:
    """'criteria[2].value' from pydantic's ('criteria', 2, 'value'); union branches are left out."""
    out = ""
    for part in location:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in {"bool", "float", "str", "tuple[str, ...]"} or "function-after" in str(part):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out or "card"


def load_cards(folder: Path) -> list[Card]:
    """Every card in a folder (sorted by file name); one CardError lists all bad cards."""
    if not folder.is_dir():
        raise CardError(f"{folder}: no such folder of program cards")
    cards, errors = [], []
    for path in sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml")):
        try:
            cards.append(load_card(path))
        except CardError as exc:
            errors.append(str(exc))
    if errors:
        raise CardError("\n".join(errors))
    return cards


def find_programs(cards: list[Card], text: str) -> tuple[str, ...]:
    """Ids of the programs a text names, by name or alias, in card order. Longer names are matched first and
    taken out of the text, so '대중소 상생형 스마트공장' names that track only, while a bare '스마트공장' names
    every card that lists it."""
    remaining = squash(text)
    holders: dict[str, set[str]] = {}
    for card in cards:
        names = (card.name.ko, card.name.en)
        # A name is also said without what its brackets add ('AI application rapid commercialisation programme').
        for alias in (*names, *(unbracketed(name) for name in names), *card.aliases):
            if squash(alias):
                holders.setdefault(squash(alias), set()).add(card.id)
    named: set[str] = set()
    for key in sorted(holders, key=len, reverse=True):
        if key in remaining:
            named |= holders[key]
            remaining = remaining.replace(key, "\x00")
    return tuple(card.id for card in cards if card.id in named)
