"""kcc doctor, run as an operator runs it: plain findings and exit status 0 or 1."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

from alembic import command
from alembic.config import Config

from tests.conftest import Caller
from tests.fakes.live_server import live_server
from tests.journeys.conftest import small_doc, to_yaml

ROOT = Path(__file__).resolve().parents[2]
KCC = str(Path(sys.executable).with_name("kcc"))


def _doctor(env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))}
    return subprocess.run(
        [KCC, "doctor", "--timeout", "2"],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_good_configuration_passes(app, settings, make_caller) -> None:
    process_owner: Caller = make_caller("process_owner")
    created = process_owner.post("/api/v1/journeys", json={"document": to_yaml(small_doc())})
    assert created.status_code == 201, created.get_json()
    make_caller("process_owner").post("/api/v1/journeys/small/versions/1/approve")
    assert process_owner.post("/api/v1/journeys/small/versions/1/publish").status_code == 200
    env = {"KCC_DATABASE_URL": settings.database_url}
    if settings.redis_url:
        env["KCC_REDIS_URL"] = settings.redis_url
    with live_server(app) as url:
        result = _doctor({**env, "KCC_PUBLIC_BASE_URL": url})
    lines = result.stdout.splitlines()
    assert any(line.startswith("ok") and "migrations at head" in line for line in lines)
    assert any(line.startswith("ok") and "1 published: small" in line for line in lines)
    assert any(line.startswith("ok") and f"{url}/api/v1/health answers" in line for line in lines)
    if settings.redis_url:  # no worker runs during the test: the one problem it may name
        assert [line for line in lines if line.startswith("problem")] == [
            line for line in lines if "no worker is running" in line
        ]
    else:
        assert result.returncode == 0, result.stdout + result.stderr
        assert "0 problem(s)" in lines[-1]


def test_a_broken_configuration_is_named_in_plain_words(tmp_path) -> None:
    database = f"sqlite:///{tmp_path / 'behind.sqlite3'}"
    config = Config(str(ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(ROOT / "migrations"))
    config.attributes["database_url"] = database
    command.upgrade(config, "head")
    command.downgrade(config, "-1")
    redis_port, web_port = _closed_port(), _closed_port()
    result = _doctor(
        {
            "KCC_ENV": "production",
            "KCC_DATABASE_URL": database,
            "KCC_SECRET_KEY": "too-short",
            "KCC_REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
            "KCC_PUBLIC_BASE_URL": f"http://127.0.0.1:{web_port}",
        }
    )
    assert result.returncode == 1
    problems = [line for line in result.stdout.splitlines() if line.startswith("problem")]
    text = "\n".join(problems)
    assert "KCC_DATA_KEY is not set" in text
    assert "KCC_SECRET_KEY is shorter than 32 characters" in text
    assert "production needs PostgreSQL" in text
    assert "run 'kcc db upgrade'" in text
    assert f"cannot reach Redis at redis://127.0.0.1:{redis_port}/0" in text
    assert f"http://127.0.0.1:{web_port}/api/v1/health cannot be reached" in text
    assert "Traceback" not in result.stderr
