"""Serve the app in a process of its own on a loopback port, as a second server would.

``app_process(settings)`` starts ``python -m tests.fakes.app_process`` with the same database,
Redis and keys as the tests' app, waits until it answers, yields its base URL and stops it.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path

from kcc.config import Settings

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def app_process(settings: Settings) -> Iterator[str]:
    env = {**os.environ, "KCC_TEST_SETTINGS": json.dumps(asdict(settings))}
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.fakes.app_process"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        base = process.stdout.readline().strip()
        if not base.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the app process did not start (said {base!r})")
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(base + "/api/v1/health", timeout=2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def main() -> None:
    from werkzeug.serving import make_server

    from kcc.app import create_app

    settings = Settings(**json.loads(os.environ["KCC_TEST_SETTINGS"]))
    app = create_app(settings)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(f"http://127.0.0.1:{server.server_port}", flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
