"""Cross-language query expansion from a glossary of domain terms (Korean, English, German)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .tokens import Tokenizer

LANGUAGES = ("ko", "en", "de")
BUNDLED = Path(__file__).with_name("data") / "glossary.tsv"


@dataclass(frozen=True)
class Query:
    """A question's search terms, each with the token sets that say the same thing in other languages."""

    terms: list[str]
    alternatives: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()

    def search_tokens(self) -> list[str]:
        """The terms and every token of their alternatives, for BM25."""
        extra = sorted({t for alts in self.alternatives.values() for alt in alts for t in alt} - set(self.terms))
        return self.terms + extra

    def matched(self, tokens: set[str]) -> set[str]:
        """The terms a text contains, itself or through a complete alternative."""
        return {t for t in self.terms if t in tokens or any(alt <= tokens for alt in self.alternatives.get(t, ()))}

    def weighted_share(self, tokens: set[str], weight: Callable[[str], float]) -> float:
        """Weighted share of the terms a text contains (0 when the query has no terms)."""
        weights = {t: weight(t) for t in set(self.terms)}
        total = sum(weights.values())
        return sum(weights[t] for t in self.matched(tokens)) / total if total else 0.0


class Glossary:
    """Equivalent terms across languages; a question term found in an entry gains the entry's other variants."""

    def __init__(self, entries: list[dict[str, list[frozenset[str]]]]) -> None:
        self._entries = entries

    @classmethod
    def load(cls, path: Path, tokenizer: Tokenizer) -> Glossary:
        """Read a TSV of 'ko<TAB>en<TAB>de' lines ('|' between variants, '#' for comments)."""
        entries = []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            entry = {
                language: [frozenset(tokenizer.tokens(v)) for v in cell.split("|") if v.strip()]
                for language, cell in zip(LANGUAGES, cells)
            }
            entries.append({language: [v for v in variants if v] for language, variants in entry.items()})
        return cls(entries)

    def expand(self, terms: list[str]) -> Query:
        """The query with, for each term covered by a glossary variant, that entry's variants in other languages."""
        present = set(terms)
        alternatives: dict[str, list[frozenset[str]]] = {}
        languages: set[str] = set()
        for entry in self._entries:
            for language, variants in entry.items():
                hit = next((v for v in variants if v <= present), None)
                if hit is None:
                    continue
                others = [(lang, v) for lang, vs in entry.items() if lang != language for v in vs]
                for term in hit:
                    alternatives.setdefault(term, []).extend(v for _, v in others)
                languages.update(lang for lang, _ in others)
                break
        return Query(terms, alternatives, frozenset(languages))


def load_glossary(setting: str, tokenizer: Tokenizer) -> Glossary | None:
    """The glossary a settings value names: 'bundled', 'none', or a TSV path."""
    if setting == "none":
        return None
    path = BUNDLED if setting == "bundled" else Path(setting)
    if not path.is_file():
        raise ValueError(f"glossary file not found: {path}")
    return Glossary.load(path, tokenizer)
