"""gunicorn's access log keeps its status and size when a BSN in the URL is masked."""

from __future__ import annotations

import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger

from kcc.privacy import redaction


@pytest.fixture()
def access_logger(tmp_path):  # type: ignore[no-untyped-def]
    redaction.install()
    cfg = Config()
    log_file = tmp_path / "access.log"
    cfg.set("accesslog", str(log_file))
    logger = Logger(cfg)
    yield logger, log_file
    for handler in logging.getLogger("gunicorn.access").handlers[:]:
        handler.close()
        logging.getLogger("gunicorn.access").removeHandler(handler)


def _line(access_logger, path: str, status: str, size: int) -> str:  # type: ignore[no-untyped-def]
    logger, log_file = access_logger
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path.split("?")[0],
        "QUERY_STRING": path.partition("?")[2],
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.10",
        "HTTP_USER_AGENT": "curl/8",
    }
    response = SimpleNamespace(status=status, headers=[], sent=size)
    request = SimpleNamespace(headers=[("User-Agent", "curl/8")])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    return log_file.read_text().splitlines()[-1]


@pytest.mark.parametrize("size", [7, 12345, 123456])
def test_bsn_in_the_url_is_masked_and_status_and_size_stay(access_logger, size):  # type: ignore[no-untyped-def]
    line = _line(access_logger, "/api/v1/parties?bsn=111222333", "200 OK", size)
    assert "111222333" not in line
    assert '"GET /api/v1/parties?bsn=[redacted] HTTP/1.1" 200 ' + str(size) in line


def test_a_line_without_a_bsn_is_unchanged(access_logger):  # type: ignore[no-untyped-def]
    line = _line(access_logger, "/api/v1/parties?limit=20", "404 NOT FOUND", 1234567)
    assert '"GET /api/v1/parties?limit=20 HTTP/1.1" 404 1234567 "-" "curl/8"' in line
