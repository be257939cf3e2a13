"""BSNs never reach the logs, whatever happens to a request that carries one."""

from __future__ import annotations

import logging

BSN = "111222333"


def test_no_bsn_in_log_output(caplog, agent, app):
    with caplog.at_level(logging.DEBUG):
        assert (
            agent.post(
                "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": BSN}
            ).status_code
            == 201
        )
        assert (
            agent.post(
                "/api/v1/parties", json={"type": "person", "surname": "Jansen", "bsn": BSN}
            ).status_code
            == 409
        )
        assert (
            agent.post(
                "/api/v1/parties", json={"type": "person", "surname": "X", "bsn": "111222334"}
            ).status_code
            == 422
        )
        assert agent.get(f"/api/v1/parties?bsn={BSN}").status_code == 200
        assert agent.get("/api/v1/parties?bsn=111222334").status_code == 422
        logging.getLogger("werkzeug").info(
            '127.0.0.1 - - "GET /api/v1/parties?bsn=%s HTTP/1.1" 200 -', BSN
        )
    assert caplog.records, "expected some log output to inspect"
    assert BSN not in caplog.text
    assert "111222334" not in caplog.text
    for record in caplog.records:
        assert BSN not in record.getMessage()
