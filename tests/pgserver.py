"""A real PostgreSQL server for the tests, from Debian's packages, started on a free loopback port."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from webserver import free_port

# Debian installs each major version's server programs here; the newest is used.
PG_BIN = max(Path("/usr/lib/postgresql").glob("*/bin"), key=lambda p: int(p.parent.name), default=Path("/missing"))
READY_TIMEOUT_S = 60


def _as_server_user(folder: Path) -> list[str]:
    """PostgreSQL refuses to run as root: as root, run it as the 'postgres' user, owning its folder."""
    if os.geteuid() != 0:
        return []
    shutil.chown(folder, "postgres", "postgres")
    return ["runuser", "-u", "postgres", "--"]


@contextmanager
def postgres_server() -> Iterator[str]:
    """A database URL while the block runs; the server and its files are gone after it."""
    if not (PG_BIN / "initdb").exists():
        raise FileNotFoundError(f"{PG_BIN}/initdb is missing: install Debian's postgresql (apt-get install postgresql)")
    # Its own folder in /tmp: pytest's tmp folders are private to root, which the 'postgres' user cannot enter.
    folder = Path(tempfile.mkdtemp(prefix="assistant-pg-"))
    prefix = _as_server_user(folder)
    data = folder / "data"
    subprocess.run([*prefix, PG_BIN / "initdb", "-D", data, "-A", "trust", "-U", "assistant", "-E", "UTF8",
                    "--no-locale"], check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [*prefix, PG_BIN / "postgres", "-D", data, "-h", "127.0.0.1", "-p", str(port), "-k", folder],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        # Wait for the condition (the server accepts connections), checked by pg_isready.
        while subprocess.run([PG_BIN / "pg_isready", "-h", "127.0.0.1", "-p", str(port)], capture_output=True).returncode:
            if server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"PostgreSQL did not start (exit code {server.poll()})")
            time.sleep(0.1)
        yield f"postgresql://assistant@127.0.0.1:{port}/postgres"
    finally:
        server.terminate()
        server.wait(timeout=60)
        shutil.rmtree(folder, ignore_errors=True)
