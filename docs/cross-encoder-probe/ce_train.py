"""Fine-tune the top layers of e5-small (torch port) as a cross-encoder: does (question, sentence) answer?"""
import json, os, random, re, sys, time
import numpy as np, torch, torch.nn as nn
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import e5torch
torch.set_num_threads(int(os.environ.get("THREADS", "2")))
random.seed(0); torch.manual_seed(0)
WORK = os.environ.get("WORK", "results/cross-encoder")
P = WORK + "/pairs/"
FROZEN = int(os.environ.get("FROZEN", "8"))
MAXLEN = 96
NEG = int(os.environ.get("NEG", "2"))
# Unrelated negatives per question (a sentence retrieved for another question): the hard negatives are all on topic,
# so without these the model never learns what an unrelated pair looks like (session 21: it gave them 0.07-0.18).
EASY = int(os.environ.get("EASY", "0"))
# Span-removed negatives: a KorQuAD question's answering sentence with its gold span cut out. On topic and worded
# like the answer, but without it: a near miss of the kind a sentence announcing a thing without naming it makes.
SPANLESS = int(os.environ.get("SPANLESS", "0"))
KORQUAD = os.environ.get(
    "KORQUAD", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../../shared/korquad/KorQuAD_v1.0_dev.json"))

def korquad_answers():
    data = json.load(open(KORQUAD, encoding="utf-8"))["data"]
    return {qa["id"]: qa["answers"][0]["text"] for article in data for p in article["paragraphs"] for qa in p["qas"]}

def load(name):
    return [json.loads(l) for l in open(P + name + ".jsonl")]

def spanless(row, positive, answers):
    """The answering sentence without its gold span, or None when the span is not in it verbatim."""
    answer = answers.get(row["id"].rsplit("-", 1)[0] if row["id"].endswith(("-en", "-de")) else row["id"])
    if not answer or answer not in positive:
        return None
    # The span goes with a particle glued to it (정문을 -> nothing), and brackets it leaves empty go too, so that no
    # dangling particle marks the cut sentences as the negatives.
    rest = re.sub(re.escape(answer) + r"[가-힣]{0,2}(?=[\s,.)\]'\"]|$)", " ", positive)
    rest = " ".join(re.sub(r"\(\s*\)|\[\s*\]|'\s*'", " ", rest).split())
    return rest if len(rest) >= 8 and rest != " ".join(positive.split()) else None

def pairs_of(rows, train, weight=1.0, answers=None):
    out = []
    for r in rows:
        if r["dev"] == train:  # train on non-dev, evaluate on dev
            continue
        pos = [s for s in r["sentences"] if s["label"]][:1]
        neg = [s for s in r["sentences"] if not s["label"]][:NEG]
        for s in pos + neg:
            out.append((r["question"], s["text"], float(s["label"]), weight))
        if SPANLESS and answers and pos:
            cut = spanless(r, pos[0]["text"], answers)
            if cut:
                out.append((r["question"], cut, 0.0, weight * SPANLESS))
        for _ in range(EASY):
            other = random.choice(rows)
            if other["question"] != r["question"] and other["sentences"]:
                out.append((r["question"], random.choice(other["sentences"])["text"], 0.0, weight))
    return out

tok, enc = e5torch.load()
enc.eval()
for p in enc.parameters(): p.requires_grad_(False)

def encode(batch_pairs):
    ids, mask = tok.batch([(q, s) for q, s, *_ in batch_pairs], max_len=MAXLEN, prefix_a="query: ", prefix_b="passage: ")
    return ids, mask

@torch.no_grad()
def lower(ids, mask):
    pos = (mask.cumsum(1) - 1).clamp(min=0)
    x = enc.eln(enc.word(ids) + enc.pos(pos) + enc.tok_type(torch.zeros_like(ids)))
    bias = mask.bool()[:, None, None, :]
    for ly in enc.layers[:FROZEN]:
        x = ly(x, bias)
    return x

class Head(nn.Module):
    def __init__(self):
        super().__init__()
        self.out = nn.Linear(enc.H, 1)
        nn.init.zeros_(self.out.weight); nn.init.constant_(self.out.bias, -1.0)
    def forward(self, x, mask):
        bias = mask.bool()[:, None, None, :]
        for ly in enc.layers[FROZEN:]:
            x = ly(x, bias)
        m = mask.unsqueeze(-1).float()
        return self.out((x * m).sum(1) / m.sum(1)).squeeze(-1)

def cache(pairs, bs=32):
    """Lower-layer states, batched by length."""
    order = sorted(range(len(pairs)), key=lambda i: len(pairs[i][0]) + len(pairs[i][1]))
    batches = []
    t = time.time()
    for b in range(0, len(order), bs):
        idx = order[b:b + bs]
        ids, mask = encode([pairs[i] for i in idx])
        batches.append((idx, lower(ids, mask).half(), mask))
        if b // bs % 50 == 0: print(f"  cached {b}/{len(order)} {time.time()-t:.0f}s", flush=True)
    return batches

if __name__ == "__main__":
    train = []
    answers = korquad_answers() if SPANLESS else None
    train += pairs_of(load("korquad"), train=True, answers=answers)
    train += pairs_of(load("translated"), train=True, answers=answers)
    train += pairs_of(load("news"), train=True, weight=4.0)
    train += pairs_of(load("suite"), train=True, weight=2.0)
    lim = int(os.environ.get("LIMIT", "0"))
    if lim: random.shuffle(train); train = train[:lim]
    print("train pairs", len(train), "positives", sum(p[2] for p in train), flush=True)
    batches = cache(train)
    for ly in enc.layers[FROZEN:]:
        for p in ly.parameters(): p.requires_grad_(True)
    head = Head()
    params = [p for ly in enc.layers[FROZEN:] for p in ly.parameters()]
    opt = torch.optim.AdamW([{"params": params, "lr": 4e-5}, {"params": head.out.parameters(), "lr": 1e-3}], weight_decay=0.01)
    epochs = int(os.environ.get("EPOCHS", "2"))
    total = epochs * len(batches); step = 0
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / 50) * max(0.0, 1 - s / total))
    labels = torch.tensor([p[2] for p in train]); weights = torch.tensor([p[3] for p in train])
    pw = (1 - labels.mean()) / labels.mean()
    for ep in range(epochs):
        random.shuffle(batches)
        t = time.time(); run = 0.0
        head.train()
        for n, (idx, x, mask) in enumerate(batches):
            logits = head(x.float(), mask)
            y, w = labels[idx], weights[idx]
            loss = (nn.functional.binary_cross_entropy_with_logits(logits, y, pos_weight=pw, reduction="none") * w).mean()
            opt.zero_grad(); loss.backward(); opt.step(); sched.step(); step += 1
            run = 0.98 * run + 0.02 * loss.item() if n else loss.item()
            if n % 50 == 0: print(f"ep{ep} {n}/{len(batches)} loss {run:.4f} {time.time()-t:.0f}s", flush=True)
    torch.save({"layers": [ly.state_dict() for ly in enc.layers[FROZEN:]], "out": head.out.state_dict(), "frozen": FROZEN},
               os.environ.get("OUT", WORK + "/ce.pt"))
    print("saved")
