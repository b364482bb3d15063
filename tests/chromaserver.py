"""A real Chroma server for the tests (`chroma run` from the chromadb package) on a free loopback port."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from webserver import free_port

CHROMA = Path(sys.executable).with_name("chroma")
READY_TIMEOUT_S = 120


@contextmanager
def chroma_server(folder: Path, port: int | None = None) -> Iterator[int]:
    """The server's port while the block runs; its data stays in folder, so a server started again on the same
    folder and port serves the same index."""
    port = port or free_port()
    server = subprocess.Popen(
        [CHROMA, "run", "--path", folder, "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while not _answers(port):  # the condition: its heartbeat answers
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the Chroma server did not start (exit code {server.poll()})")
            time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=60)


def _answers(port: int) -> bool:
    try:
        return httpx.get(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False
