"""``briefwire serve``'s own server (``commands.serve.run_server``) in a child process, for the web
tests that need what only a real server has: a socket, uvicorn's own handling of headers, signals.

The child builds its app with ``test_web_support.settings_for`` (a stand-in pipeline, no model).
"""

from __future__ import annotations

import importlib
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).parent


@contextmanager
def served(
    db_dir: Path, brief_fn: str = "test_web_support:StandIn", **settings: Any
) -> Iterator[tuple[subprocess.Popen[str], httpx.Client]]:
    """The running server process and a client for it; ``brief_fn`` names the stand-in's class."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    args = [str(db_dir), str(port), brief_fn, json.dumps(settings)]
    server = subprocess.Popen(
        [sys.executable, str(HERE / "live_server.py"), *args],
        cwd=HERE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=5) as client:
            deadline = time.monotonic() + 30
            while True:
                assert server.poll() is None, server.communicate()[1]
                try:
                    if client.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
            yield server, client
    finally:
        server.kill()
        server.wait()


def main(db_dir: str, port: str, brief_fn: str, settings: str) -> None:
    from test_web_support import settings_for

    from briefwire.commands.serve import run_server
    from briefwire.web import create_app

    module, name = brief_fn.split(":")
    stand_in = getattr(importlib.import_module(module), name)()
    app = create_app(settings_for(Path(db_dir), brief_fn=stand_in, **json.loads(settings)))
    run_server(app, host="127.0.0.1", port=int(port))


if __name__ == "__main__":
    main(*sys.argv[1:])
