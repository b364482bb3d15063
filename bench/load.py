"""Load on the running web app: N concurrent sessions asking through POST /api/ask; prints latency and errors.

Starts `assistant serve` in its own process on a free loopback port over an index of corpus/ (built first if the
folder is empty), then runs the sessions from this process, each asking its questions one after another (a person
waits for an answer before the next question). The questions are the tuned suites', so answers are realistic.

    .venv/bin/python bench/load.py [--sessions 50] [--questions 4] [--index results/index-load]
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path

import httpx

from assistant.evaluation import load_suites

ROOT = Path(__file__).resolve().parents[1]
ASSISTANT = Path(sys.executable).with_name("assistant")


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


def _session(url: str, questions: list[str], latencies: list[float], outcomes: Counter, lock: threading.Lock) -> None:
    with httpx.Client(base_url=url, timeout=300) as client:
        history: list[dict] = []
        for question in questions:
            start = time.perf_counter()
            try:
                response = client.post("/api/ask", json={"question": question, "history": history})
                status = response.status_code
            except httpx.HTTPError as exc:
                status = type(exc).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with lock:
                outcomes[status] += 1
                if status == 200:
                    latencies.append(elapsed)
            history.append({"role": "user", "content": question})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=50)
    parser.add_argument("--questions", type=int, default=4, help="Questions per session.")
    parser.add_argument("--index", type=Path, default=ROOT / "results" / "index-load")
    args = parser.parse_args()
    if not args.index.is_dir() or not any(args.index.iterdir()):
        subprocess.run([ASSISTANT, "ingest", ROOT / "corpus", "--index", args.index], check=True)
    pool = [case.question for case in load_suites(sorted((ROOT / "evals").glob("*.jsonl")))]
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as data:
        env = os.environ | {"ASSISTANT_DATA_DIR": data}
        server = subprocess.Popen(
            [ASSISTANT, "serve", "--index", args.index, "--port", str(port)], env=env,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            _wait_until_up(url, server)
            latencies: list[float] = []
            outcomes: Counter = Counter()
            lock = threading.Lock()
            sessions = [
                threading.Thread(target=_session, args=(
                    url, [pool[(s * args.questions + q) % len(pool)] for q in range(args.questions)],
                    latencies, outcomes, lock,
                ))
                for s in range(args.sessions)
            ]
            start = time.perf_counter()
            for session in sessions:
                session.start()
            for session in sessions:
                session.join()
            wall = time.perf_counter() - start
        finally:
            server.terminate()
            server.wait(timeout=60)
    asked = args.sessions * args.questions
    print(f"sessions {args.sessions} × {args.questions} questions = {asked} requests in {wall:.1f} s "
          f"({asked / wall:.1f} req/s)")
    print("responses: " + ", ".join(f"{status}: {n}" for status, n in sorted(outcomes.items(), key=str)))
    if latencies:
        print(f"latency p50 {statistics.median(latencies):.0f} ms   p95 {_percentile(latencies, 0.95):.0f} ms   "
              f"max {max(latencies):.0f} ms")


if __name__ == "__main__":
    main()
