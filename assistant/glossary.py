"""Query expansion: glossary translations of domain terms (Korean, English, German) and spelling corrections."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .tokens import Tokenizer

LANGUAGES = ("ko", "en", "de")
BUNDLED = Path(__file__).with_name("data") / "glossary.tsv"
# Korean names this long are found in a question's letters too: Kiwi cuts a compound by its context, so
# '스마트공방' is one word in '2020년 스마트공방 시범사업' and two on its own, and '스마트등대공장' becomes 스마트/등/대/공장.
# Shorter ones sit inside other words ('수소', hydrogen, in '수소문').
_SURFACE_LENGTH = 3
_GAPS = re.compile(r"[\s\-·.]+")


def _hangul(word: str) -> bool:
    return any("\uac00" <= c <= "\ud7a3" for c in word)


def _compact(text: str) -> str:
    """The text's letters without spaces, hyphens and dots, lower-cased."""
    return _GAPS.sub("", text.lower())


@dataclass(frozen=True)
class Variant:
    """One way of writing a glossary term: its search tokens and, for a long Korean one, its letters (see _compact)."""

    tokens: frozenset[str]
    letters: str | None = None

    @classmethod
    def of(cls, text: str, tokenizer: Tokenizer) -> Variant:
        letters = _compact(text)
        long_korean = _hangul(letters) and len(letters) >= _SURFACE_LENGTH
        return cls(frozenset(tokenizer.tokens(text)), letters if long_korean else None)

    def found(self, present: set[str], letters: str) -> bool:
        """Whether a question with these tokens and these letters (_compact) holds this variant."""
        return self.tokens <= present or (self.letters is not None and self.letters in letters)


@dataclass(frozen=True)
class Query:
    """A question's search terms, each with the token sets that say the same thing in other words or languages."""

    terms: list[str]
    alternatives: dict[str, list[frozenset[str]]] = field(default_factory=dict)
    languages: frozenset[str] = frozenset()
    names: frozenset[str] = frozenset()  # proper nouns and capitalised words (tokens.Analysis.names)

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

    def __init__(self, entries: list[dict[str, list[Variant]]], subjects: Iterable[Variant] = ()) -> None:
        self._entries = entries
        self._subjects = tuple(subjects)

    @classmethod
    def load(cls, path: Path, tokenizer: Tokenizer) -> Glossary:
        """Read a TSV of 'ko<TAB>en<TAB>de' lines ('|' between variants, '#' for comments), 'subject' in a fourth
        column for an entry that names a thing of its own."""
        entries, subjects = [], []
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            cells = line.split("\t")
            entry = {
                language: [v for v in (Variant.of(text, tokenizer) for text in cell.split("|")) if v.tokens]
                for language, cell in zip(LANGUAGES, cells)
            }
            entries.append(entry)
            if cells[len(LANGUAGES):] == ["subject"]:
                subjects.extend(v for variants in entry.values() for v in variants)
        return cls(entries, subjects)

    def names_subject(self, terms: list[str], text: str = "") -> bool:
        """Whether the question (its terms and text) holds a variant of a subject entry ('등대공장', 'National Growth
        Fund')."""
        present, letters = set(terms), _compact(text)
        return any(v.found(present, letters) for v in self._subjects)

    def expand(self, terms: list[str], text: str = "") -> Query:
        """The query with, for each term covered by a glossary variant, that entry's other variants (other spellings
        and other languages); its languages are the other languages the query was translated into. A variant found
        in the text's letters but cut otherwise by the tokenizer adds its own tokens to the terms."""
        present, letters = set(terms), _compact(text)
        terms = list(terms)
        alternatives: dict[str, list[frozenset[str]]] = {}
        languages: set[str] = set()
        for entry in self._entries:
            for language, variants in entry.items():
                hit = next((v for v in variants if v.found(present, letters)), None)
                if hit is None:
                    continue
                missing = sorted(hit.tokens - present)
                terms.extend(missing)
                present.update(missing)
                # Other spellings in the same language count too ('중기부' is '중소벤처기업부').
                others = [(lang, v.tokens) for lang, vs in entry.items() for v in vs if v.tokens != hit.tokens]
                for term in hit.tokens:
                    alternatives.setdefault(term, []).extend(tokens for _, tokens in others)
                languages.update(lang for lang, _ in others if lang != language)
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


def _edit_distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance, cut short once it exceeds limit."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > limit:
            return limit + 1
        previous = current
    return previous[-1]


def _swap_keys(word: str) -> list[str]:
    """The word with each of its letters in turn replaced by a gap: two words of one length share a key exactly when
    they differ in at most one letter."""
    return [f"{word[:i]}\0{word[i + 1:]}" for i in range(len(word))]


class QueryExpander:
    """Turns a question into a Query: its terms, their glossary translations, and for a term the corpus never
    uses, the corpus terms one typo away ('특귀' → '특구', 'goverment' → 'government') or, for Korean words run
    together, the corpus words they are made of ('얼라이언스출범일' → 얼라이언스, 출범)."""

    MAX_CORRECTIONS = 2

    def __init__(self, tokenizer: Tokenizer, glossary: Glossary | None = None) -> None:
        self._tokenizer = tokenizer
        self._glossary = glossary
        self._vocabulary: Counter[str] = Counter()
        # Where corrections are looked up instead of comparing a term with the whole vocabulary: Korean words by
        # their letters with one of them left out ('팩*리' → 팩토리, …), since a Korean typo swaps one syllable; other
        # words by length, since theirs are at most two edits away.
        self._one_swap: dict[str, list[str]] = {}
        self._by_length: dict[int, list[str]] = {}

    def learn(self, documents: Iterable[list[str]]) -> None:
        """Take the corpus vocabulary (search tokens of every chunk) that spelling corrections come from."""
        self._vocabulary = Counter(t for tokens in documents for t in set(tokens))
        self._one_swap, self._by_length = {}, {}
        for word in self._vocabulary:
            if len(word) > 1:
                self._by_length.setdefault(len(word), []).append(word)
                for key in _swap_keys(word):
                    self._one_swap.setdefault(key, []).append(word)

    def names_subject(self, text: str) -> bool:
        """Whether the text names a thing of its own that the glossary knows (a program, fund, law, zone)."""
        return self._glossary is not None and self._glossary.names_subject(self._tokenizer.tokens(text), text)

    def knows(self, query: Query) -> bool:
        """Whether the corpus or the glossary knows what a question is about: some of its terms, and every Korean name
        in it ('에베레스트산 높이는?' shares '산' and '높이' with the documents, not Everest). Known means as written or,
        in Korean, one typo or a run-together compound away (a Latin word one letter from a corpus word is as often
        another word: 'mount', 'amount'). True for a question without terms and before the corpus is learnt."""
        if not query.terms or not self._vocabulary:
            return True
        names = [core for core in ("".join(filter(_hangul, n)) for n in query.names) if len(core) > 1]
        translated = self._glossary.expand([*query.terms, *names]).alternatives if self._glossary else {}

        def known(t: str) -> bool:
            return t in self._vocabulary or t in translated or (
                _hangul(t) and bool(self._corrections(t) or self._compound_parts(t))
            )

        return any(map(known, query.terms)) and all(map(known, names))

    def expand(self, text: str) -> Query:
        """The question's Query."""
        analysis = self._tokenizer.analyse([text])[0]
        query = self._glossary.expand(analysis.tokens, text) if self._glossary else Query(analysis.tokens)
        terms = query.terms
        alternatives = {t: list(alts) for t, alts in query.alternatives.items()}
        # A term the glossary knows is a real word of the domain, not a typo.
        for term in set(terms) - set(alternatives):
            for correction in self._corrections(term):
                alternatives.setdefault(term, []).append(frozenset({correction}))
            parts = self._compound_parts(term)
            if parts:
                alternatives.setdefault(term, []).append(parts)
        return Query(terms, alternatives, query.languages, analysis.names)

    def _compound_parts(self, term: str) -> frozenset[str] | None:
        """The corpus words that a Korean compound the corpus never uses is written with, when the question ran them
        together ('얼라이언스출범일' → 얼라이언스, 출범); None when it is not such a compound."""
        if term in self._vocabulary or len(term) < 4 or not all("\uac00" <= c <= "\ud7a3" for c in term):
            return None
        parts, start = [], 0
        while start < len(term):
            # The longest corpus word at this point (Kiwi cuts some loanwords: '얼라이언' + '스'); a leftover last
            # syllable ('일' of '출범일') is a suffix.
            end = next((e for e in range(len(term), start, -1) if term[start:e] in self._vocabulary), None)
            if end is None:
                if start < len(term) - 1:
                    return None
                break
            parts.append(term[start:end])
            start = end
        parts = [p for p in parts if len(p) > 1]
        return frozenset(parts) if len(parts) > 1 else None

    def _corrections(self, term: str) -> list[str]:
        # One-syllable Korean words and short Latin words are too close to too many others to correct safely.
        # Two-syllable Korean words are corrected: measured with them left alone (session 20), the news set lost
        # top-1 (56.4 -> 55.8) and facts (38.7 -> 38.1) and the tuned suites gained top-1 (80.3 -> 81.0).
        hangul = _hangul(term)
        if term in self._vocabulary or term.isdigit() or len(term) < (2 if hangul else 5):
            return []
        limit = 1 if hangul or len(term) < 8 else 2
        # A Korean typo swaps a syllable ('팩토리' → '펙토리'); a shorter or longer word is another word ('지원금').
        if hangul:
            close = list({v for key in _swap_keys(term) for v in self._one_swap.get(key, ())})
        else:
            lengths = range(len(term) - limit, len(term) + limit + 1)
            close = [v for n in lengths for v in self._by_length.get(n, ()) if _edit_distance(term, v, limit) <= limit]
        # The most common first, and among equally common ones the same in every process (the vocabulary's order
        # comes from sets, whose order changes with Python's hash seed).
        return sorted(close, key=lambda v: (-self._vocabulary[v], v))[: self.MAX_CORRECTIONS]
