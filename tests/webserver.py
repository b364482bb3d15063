"""Serving a web app for the tests: a real uvicorn server on a free loopback port, in a thread."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def served(app) -> Iterator[str]:
    """The app's base URL ('http://127.0.0.1:PORT') while the block runs; the server stops after it."""
    # proxy_headers off, as `assistant serve` runs it: the app's own settings decide whom X-Forwarded-For is believed from.
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning",
                                           proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while thread.is_alive() and not server.started:  # the condition: uvicorn sets it once listening
        time.sleep(0.05)
    if not server.started:
        raise RuntimeError("the test web server did not start")
    try:
        yield f"http://127.0.0.1:{server.config.port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
