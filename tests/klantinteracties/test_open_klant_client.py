"""The real ``open-klant-client`` (what Open Inwoner and Open Formulieren build on) against the
running app, in its own Python 3.12 environment: every answer checked through the client's own
typed models (see ``clients/drive_open_klant_client.py``)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from flask import Flask

from tests.conftest import Caller
from tests.fakes.live_server import live_server
from tests.klantinteracties.test_flows import get

ROOT = Path(__file__).resolve().parents[2]
PYTHON = ROOT / ".venv" / "okc" / "bin" / "python"
DRIVER = Path(__file__).with_name("clients") / "drive_open_klant_client.py"
CHANNELS = {"OIP Mijn vragen": "web", "Balie Stadskantoor": "counter"}


@pytest.fixture(scope="session")
def client_python() -> Path:
    """The client's environment, made by ``.ci/okc-venv`` when missing; skipped only where no
    Python 3.12 exists (never in CI, which must run these)."""
    made = subprocess.run(
        ["bash", str(ROOT / ".ci" / "okc-venv")], capture_output=True, text=True, check=False
    )
    if made.returncode == 3 and not os.environ.get("CI"):
        pytest.skip("no Python 3.12 on this machine for open-klant-client (.ci/okc-venv)")
    assert made.returncode == 0, made.stdout + made.stderr
    return PYTHON


def drive(python: Path, app: Flask, caller: Caller, scenario: str) -> dict[str, Any]:
    with live_server(app) as base:
        done = subprocess.run(
            [str(python), str(DRIVER), scenario, f"{base}/klantinteracties/api/v1/", caller.token],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    assert done.returncode == 0, done.stdout + done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture()
def channels(app: Flask) -> Any:
    """The municipality's own channel names (KCC_KI_CHANNELS)."""
    before = app.config["KI_CHANNELS"]
    app.config["KI_CHANNELS"] = CHANNELS
    yield CHANNELS
    app.config["KI_CHANNELS"] = before


def test_open_inwoner_finds_the_resident_syncs_addresses_and_asks_a_question(
    client_python: Path, app: Flask, system: Caller, channels: Any
) -> None:
    found = drive(client_python, app, system, "open_inwoner")
    # The second profile sync finds both addresses as it wrote them: nothing is posted again.
    assert found["addressesCreated"] == [[True, True], [False, False]]
    assert found["partijNummer"] == "0000000001" and found["taakNummer"] == "0000000001"
    contact = found["klantcontact"]
    assert contact["kanaal"] == "OIP Mijn vragen" and contact["nummer"] == "0000000001"
    # A time without a zone is Dutch local time (10:15 in December is 09:15 UTC).
    assert contact["plaatsgevondenOp"] == "2026-12-01T09:15:00Z"
    assert found["questions"] == [contact["uuid"]] and len(found["questionTasks"]) == 1
    stored = get(system, f"/klantcontacten/{contact['uuid']}").get_json()
    assert stored["kanaal"] == "OIP Mijn vragen"
    ours = system.get(f"/api/v1/contact-moments/{contact['uuid']}")
    assert ours.status_code == 200 and ours.get_json()["channel"] == "web"


def test_every_resource_call_of_the_client_through_its_typed_models(
    client_python: Path, app: Flask, system: Caller, channels: Any
) -> None:
    found = drive(client_python, app, system, "resources")
    assert found["patched"]["nummer"] == "18744"
    assert found["patched"]["correspondentieadres"]["adresregel1"] == "foo"
    assert found["patched"]["correspondentieadres"]["land"] == "NL"
    assert found["adres"] == "06 12345678" and found["byNormalised"] is True
    assert found["isStandaardAdres"] is False and found["adresOmschrijving"] == "werk"
    assert found["looseDeleted"] == 204
    assert found["identificator"] == "123456782" and found["onderwerpZonderKlantcontact"] is None
    assert found["kanaal"] == "Balie Stadskantoor"
    assert found["expand"] == [
        "gingOverOnderwerpobjecten",
        "hadBetrokkenen",
        "leiddeTotInterneTaken",
    ]
    assert found["contactNummer"] == "0000000001" and found["taakNummer"] == "0000000001"
    assert found["listExpand"] == {}
    bad = found["badRequest"]
    assert bad["title"] == "Ongeldige invoer."
    assert {"name": "onderwerp", "code": "required", "reason": "Dit veld is vereist."} in bad[
        "invalidParams"
    ]
    assert found["notFound"] == {"status": 404, "title": "Niet gevonden."}
