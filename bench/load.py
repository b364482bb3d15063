"""Load on the running web app: N concurrent sessions through POST /api/ask, then N through the chat's Gradio queue.

Starts `assistant serve` in its own process on a free loopback port over an index of corpus/ (built first if the
folder is empty), with the per-client rate limit off (ASSISTANT_UI__RATE_LIMIT_PER_MINUTE=0: every session comes
from 127.0.0.1, one client to the limiter) and the Gradio queue as configured (ASSISTANT_UI__QUEUE_* from the
environment, else the defaults). Then runs the sessions from this process, each asking its questions one after
another (a person waits for an answer before the next question). The questions are the tuned suites' (the chat's
sessions take those after the API's), so answers are realistic; one question first warms the server up (models
loaded, corpus read) and is not counted. The chat's sessions speak the queue protocol the browser speaks (join,
then the event stream) and send each follow-up with the conversation so far. Every request has a deadline, so the run is bounded.

    .venv/bin/python bench/load.py [--sessions 50] [--questions 4] [--only api|ui] [--index results/index-load]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from assistant.evaluation import load_suites

ROOT = Path(__file__).resolve().parents[1]
ASSISTANT = Path(sys.executable).with_name("assistant")
REQUEST_TIMEOUT_S = 300
# What the chat shows when answering failed (ui/strings.py 'sorry'): a turn that ends with it is an error.
SORRY = "죄송합니다. 질문을 처리하지 못했습니다."


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _wait_until_up(url: str, server: subprocess.Popen, timeout_s: float = 300) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and server.poll() is None:
        try:
            if httpx.get(f"{url}/api/health", timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"the server did not come up (exit code {server.poll()})")


@dataclass
class Results:
    """What the sessions of one run saw: outcome counts ('ok' or the kind of error), latencies of the answered
    requests and, for the chat, how long each waited in the queue before its answer was started."""

    outcomes: Counter = field(default_factory=Counter)
    latencies: list[float] = field(default_factory=list)
    waits: list[float] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, outcome: str, started: float, queued_s: float | None = None) -> None:
        elapsed = (time.perf_counter() - started) * 1000
        with self.lock:
            self.outcomes[outcome] += 1
            if outcome == "ok":
                self.latencies.append(elapsed)
                if queued_s is not None:
                    self.waits.append(queued_s * 1000)


def _api_session(url: str, questions: list[str], results: Results) -> None:
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
        history: list[dict] = []
        for question in questions:
            start = time.perf_counter()
            answer = ""
            try:
                response = client.post("/api/ask", json={"question": question, "history": history})
                outcome = "ok" if response.status_code == 200 else f"HTTP {response.status_code}"
                answer = response.json()["answer"] if response.status_code == 200 else ""
            except httpx.HTTPError as exc:
                outcome = type(exc).__name__
            results.add(outcome, start)
            history.append({"role": "user", "content": question})
            if answer:
                history.append({"role": "assistant", "content": answer})


@dataclass(frozen=True)
class ChatEndpoint:
    """The chat's send button as the queue knows it: the event's index and the component that triggers it."""

    fn_index: int
    trigger_id: int

    @classmethod
    def find(cls, url: str) -> ChatEndpoint:
        config = httpx.get(f"{url}/config", timeout=60).json()
        (send,) = [c["id"] for c in config["components"] if c.get("props", {}).get("elem_id") == "send"]
        (event,) = [d["id"] for d in config["dependencies"] if [send, "click"] in d["targets"]]
        return cls(event, send)


def _chat_turn(client: httpx.Client, endpoint: ChatEndpoint, session: str, question: str,
               chat: list) -> tuple[str, list, float | None]:
    """One question through the queue as the browser sends it (the other inputs are the server's state): the
    outcome, the conversation after it and how long the event waited before it started."""
    start = time.perf_counter()
    joined = client.post("/gradio_api/queue/join", json={
        "data": [question, chat, None, None, None, "ko"], "event_data": None, "fn_index": endpoint.fn_index,
        "trigger_id": endpoint.trigger_id, "session_hash": session,
    })
    if joined.status_code != 200:
        return f"join HTTP {joined.status_code}", chat, None
    event = joined.json()["event_id"]
    queued_s = None
    with client.stream("GET", "/gradio_api/queue/data", params={"session_hash": session}) as stream:
        for line in stream.iter_lines():
            if not line.startswith("data:"):
                continue
            message = json.loads(line[5:])
            if message.get("event_id") != event:
                continue
            if message["msg"] == "process_starts":
                queued_s = time.perf_counter() - start
            elif message["msg"] == "process_completed":
                if not message.get("success"):
                    return "event failed", chat, queued_s
                after = message["output"]["data"][0]
                reply = after[-1]["content"][0]["text"] if after else ""
                return ("answer failed" if reply.startswith(SORRY) else "ok"), after, queued_s
    return "stream ended early", chat, queued_s


def _ui_session(url: str, endpoint: ChatEndpoint, questions: list[str], results: Results) -> None:
    session = uuid.uuid4().hex[:11]
    chat: list = []
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT_S) as client:
        for question in questions:
            start = time.perf_counter()
            try:
                outcome, chat, queued_s = _chat_turn(client, endpoint, session, question, chat)
            except httpx.HTTPError as exc:
                outcome, queued_s = type(exc).__name__, None
            results.add(outcome, start, queued_s)


def _run(sessions: int, session: Callable[[int, Results], None]) -> tuple[Results, float]:
    """The sessions at once, each in its own thread; returns what they saw and the wall time."""
    results = Results()
    threads = [threading.Thread(target=session, args=(s, results)) for s in range(sessions)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, time.perf_counter() - start


def _report(name: str, sessions: int, questions: int, results: Results, wall: float) -> None:
    asked = sessions * questions
    answered = results.outcomes["ok"]
    errors = {kind: n for kind, n in results.outcomes.items() if kind != "ok"}
    print(f"{name}: {sessions} sessions × {questions} questions = {asked} requests in {wall:.1f} s, "
          f"{answered / wall:.2f} answers/s")
    print(f"  answered {answered}, errors {sum(errors.values())}"
          + (" (" + ", ".join(f"{kind}: {n}" for kind, n in sorted(errors.items())) + ")" if errors else ""))
    if results.latencies:
        lat = results.latencies
        print(f"  latency p50 {statistics.median(lat):.0f} ms   p95 {_percentile(lat, 0.95):.0f} ms   "
              f"max {max(lat):.0f} ms")
    if results.waits:
        print(f"  of it waiting in the queue: p50 {statistics.median(results.waits):.0f} ms   "
              f"p95 {_percentile(results.waits, 0.95):.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--questions", type=int, default=4, help="Questions per session.")
    parser.add_argument("--only", choices=["api", "ui"], help="Run one of the two loads (default: both, API first).")
    parser.add_argument("--index", type=Path, default=ROOT / "results" / "index-load")
    args = parser.parse_args()
    if not args.index.is_dir() or not any(args.index.iterdir()):
        subprocess.run([ASSISTANT, "ingest", ROOT / "corpus", "--index", args.index], check=True)
    suites = sorted(path for path in (ROOT / "evals").glob("*.jsonl") if "heldout" not in path.name)
    pool = [case.question for case in load_suites(suites)]

    def questions(s: int) -> list[str]:  # session s of the API's run; the chat's sessions come after them
        return [pool[(s * args.questions + q) % len(pool)] for q in range(args.questions)]

    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {"ASSISTANT_DATA_DIR": data, "ASSISTANT_UI__RATE_LIMIT_PER_MINUTE": "0"}
        server = subprocess.Popen(
            [ASSISTANT, "serve", "--index", args.index, "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(url, server)
            start = time.perf_counter()
            httpx.post(f"{url}/api/ask", json={"question": pool[-1]}, timeout=REQUEST_TIMEOUT_S).raise_for_status()
            print(f"server on {url}, rate limit off; warm-up question {time.perf_counter() - start:.1f} s; "
                  f"load average at start {os.getloadavg()[0]:.2f}")
            if args.only in (None, "api"):
                results, wall = _run(args.sessions, lambda s, r: _api_session(url, questions(s), r))
                _report("POST /api/ask", args.sessions, args.questions, results, wall)
            if args.only in (None, "ui"):
                endpoint = ChatEndpoint.find(url)
                results, wall = _run(args.sessions,
                                     lambda s, r: _ui_session(url, endpoint, questions(args.sessions + s), r))
                _report("chat (Gradio queue)", args.sessions, args.questions, results, wall)
            print(f"load average at the end {os.getloadavg()[0]:.2f} (1 min), {os.cpu_count()} cores")
        finally:
            server.terminate()
            server.wait(timeout=60)


if __name__ == "__main__":
    main()
