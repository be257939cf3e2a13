"""A worker killed while Twilio is accepting its SMS: the row is reconciled, never sent twice."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import update

from channels.models import ChannelMessage
from channels.outbound.delivery import sweep_due
from kcc.db import db, utcnow
from tests.channels.conftest import PUBLIC
from tests.conftest import ROOT, TEST_DATA_KEY, TEST_SECRET

SEND_ONE = """
import sys
from kcc.app import create_app
from channels.outbound.delivery import deliver
app = create_app()
with app.app_context():
    print(deliver(sys.argv[1]), flush=True)
"""


def test_killed_worker_mid_send_is_reconciled(app, agent, text_in, fake_twilio, run_jobs):
    text_in("+31612345678", "Vraag")
    run_jobs()
    conversation = agent.get("/api/v1/conversations").json["items"][0]
    fake_twilio.fail_next("500")
    reply = agent.post(
        f"/api/v1/conversations/{conversation['id']}/messages", json={"body": "Antwoord"}
    ).json
    run_jobs()
    assert fake_twilio.sent() == []

    settings = app.config["KCC_SETTINGS"]
    fake_twilio.hang_seconds = 30
    fake_twilio.fail_next("timeout_after_create")
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("KCC_", "TWILIO_"))},
        "KCC_DATABASE_URL": settings.database_url,
        "KCC_DATA_KEY": TEST_DATA_KEY,
        "KCC_SECRET_KEY": TEST_SECRET,
        "KCC_PUBLIC_BASE_URL": PUBLIC,
        "TWILIO_ACCOUNT_SID": settings.twilio_account_sid,
        "TWILIO_AUTH_TOKEN": settings.twilio_auth_token,
        "TWILIO_FROM_NUMBER": settings.twilio_from_number,
        "TWILIO_API_BASE_URL": fake_twilio.base_url,
    }
    worker = subprocess.Popen(
        [sys.executable, "-c", SEND_ONE, reply["id"]],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while len(fake_twilio.sent()) < 1 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(fake_twilio.sent()) == 1, (
            worker.stderr.read() if worker.poll() is not None else "no send"
        )
    finally:
        if worker.poll() is None:
            os.kill(worker.pid, signal.SIGKILL)
        worker.wait()
    fake_twilio.hang_seconds = 0.1

    with app.app_context():
        # The killed worker's lease runs out.
        db.session().execute(
            update(ChannelMessage).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        db.commit()
        assert sweep_due(utcnow() + timedelta(minutes=10)) == 1
        assert sweep_due(utcnow() + timedelta(minutes=20)) == 0
        db.remove()
    assert len(fake_twilio.sent()) == 1
    assert len(fake_twilio.create_calls()) == 2
    messages = agent.get(f"/api/v1/conversations/{conversation['id']}").json["messages"]
    outbound = next(m for m in messages if m["id"] == reply["id"])
    assert outbound["status"] == "sending"
    assert outbound["error_code"] is None
