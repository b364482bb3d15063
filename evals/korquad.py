"""KorQuAD 1.0 dev as a workload: its 140 articles as documents (one per article), its questions with answer spans.

Articles 0-69 (file order) may be used to train and tune; articles 70-139 are for measurement only.
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATH = ROOT.parent / "shared" / "korquad" / "KorQuAD_v1.0_dev.json"
TRAIN_ARTICLES = range(0, 70)
MEASURE_ARTICLES = range(70, 140)


@dataclass(frozen=True)
class KorQuADQuestion:
    id: str
    question: str
    answer: str
    article: int
    source: str  # the article's document name in the index


def document_name(article: int) -> str:
    return f"article_{article:03d}.md"


def write_articles(path: Path, folder: Path) -> Path:
    """Write every article as a Markdown document (title, then its paragraphs) into folder; returns folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for i, article in enumerate(json.loads(path.read_text(encoding="utf-8"))["data"]):
        paragraphs = "\n\n".join(p["context"] for p in article["paragraphs"])
        target = folder / document_name(i)
        text = f"# {article['title']}\n\n{paragraphs}\n"
        if not target.exists() or target.read_text(encoding="utf-8") != text:
            target.write_text(text, encoding="utf-8")
    return folder


def questions(path: Path, articles: range, sample: int | None = None, seed: int = 0) -> list[KorQuADQuestion]:
    """The questions of the given articles (file order), or a fixed random sample of them."""
    data = json.loads(path.read_text(encoding="utf-8"))["data"]
    found = [
        KorQuADQuestion(qa["id"], qa["question"], qa["answers"][0]["text"], i, document_name(i))
        for i in articles
        for paragraph in data[i]["paragraphs"]
        for qa in paragraph["qas"]
    ]
    if sample is not None and sample < len(found):
        found = random.Random(seed).sample(found, sample)
    return found
