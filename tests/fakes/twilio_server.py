"""A fake Twilio: a real HTTP server on loopback speaking the Messages API the SDK calls.

It records every request, can be told to time out, answer an HTTP error (429, 5xx) on sends
or on the message list, or refuse with 21610, and
sends signed inbound messages and status callbacks to the app (test client or live server).
"""

from __future__ import annotations

import base64
import json
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import requests
from twilio.request_validator import RequestValidator

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-twilio-auth-token"


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    authorized: bool


@dataclass
class FakeMessage:
    sid: str
    to: str
    from_: str
    body: str
    status: str
    status_callback: str | None
    date_created: datetime

    def as_json(self) -> dict[str, Any]:
        return {
            "sid": self.sid,
            "account_sid": ACCOUNT_SID,
            "to": self.to,
            "from": self.from_,
            "body": self.body,
            "status": self.status,
            "direction": "outbound-api",
            "num_segments": "1",
            "num_media": "0",
            "error_code": None,
            "error_message": None,
            "date_created": format_datetime(self.date_created, usegmt=True),
            "date_updated": format_datetime(self.date_created, usegmt=True),
            "date_sent": None,
            "api_version": "2010-04-01",
            "uri": f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/{self.sid}.json",
        }


@dataclass
class Fault:
    """What the next ``times`` calls do: timeout, timeout_after_create, 21610 or an HTTP status."""

    kind: str
    times: int = 1


@dataclass
class FakeTwilio:
    account_sid: str = ACCOUNT_SID
    auth_token: str = AUTH_TOKEN
    hang_seconds: float = 3.0
    messages: list[FakeMessage] = field(default_factory=list)
    requests: list[Recorded] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    list_faults: list[Fault] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    # -- lifecycle -------------------------------------------------------------
    def start(self) -> FakeTwilio:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes; with Nagle's algorithm the body then
            # waits for the client's delayed ACK (~40 ms per response on a kept-alive
            # connection), which Twilio's real API does not do.
            disable_nagle_algorithm = True

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                fake._handle(self, "POST")

            def do_GET(self) -> None:
                fake._handle(self, "GET")

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    @property
    def base_url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def fail_next(self, kind: str, times: int = 1) -> None:
        with self._lock:
            self.faults.append(Fault(kind, times))

    def fail_next_list(self, status: str, times: int = 1) -> None:
        """The next ``times`` message-list calls answer HTTP ``status`` (e.g. "429", "501")."""
        with self._lock:
            self.list_faults.append(Fault(status, times))

    def list_calls(self) -> list[Recorded]:
        with self._lock:
            return [
                r for r in self.requests if r.method == "GET" and r.path.endswith("/Messages.json")
            ]

    def sent(self) -> list[FakeMessage]:
        with self._lock:
            return list(self.messages)

    def create_calls(self) -> list[Recorded]:
        with self._lock:
            return [
                r for r in self.requests if r.method == "POST" and r.path.endswith("/Messages.json")
            ]

    # -- the API ---------------------------------------------------------------
    def _authorized(self, handler: BaseHTTPRequestHandler) -> bool:
        expected = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        return handler.headers.get("Authorization", "") == f"Basic {expected}"

    def _handle(self, handler: BaseHTTPRequestHandler, method: str) -> None:
        parts = urlsplit(handler.path)
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode() if length else ""
        form = {k: v[-1] for k, v in parse_qs(raw).items()}
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        authorized = self._authorized(handler)
        with self._lock:
            self.requests.append(Recorded(method, parts.path, query, form, authorized))
        collection = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        if not authorized:
            return self._reply(
                handler, 401, {"code": 20003, "message": "Authenticate", "status": 401}
            )
        if parts.path != collection:
            return self._reply(handler, 404, {"code": 20404, "message": "Not found", "status": 404})
        if method == "GET":
            return self._list(handler, query)
        return self._create(handler, form)

    def _take_fault(self, faults: list[Fault] | None = None) -> str | None:
        faults = self.faults if faults is None else faults
        with self._lock:
            if not faults:
                return None
            fault = faults[0]
            fault.times -= 1
            if fault.times <= 0:
                faults.pop(0)
            return fault.kind

    def _http_error(self, handler: BaseHTTPRequestHandler, status: str) -> None:
        code = 20429 if status == "429" else 20500
        return self._reply(
            handler, int(status), {"code": code, "message": f"HTTP {status}", "status": int(status)}
        )

    def _create(self, handler: BaseHTTPRequestHandler, form: dict[str, str]) -> None:
        fault = self._take_fault()
        if fault == "timeout":
            time.sleep(self.hang_seconds)
            return self._reply(handler, 504, {"code": 20500, "message": "late", "status": 504})
        if fault == "500":
            return self._reply(
                handler, 500, {"code": 20500, "message": "Internal Server Error", "status": 500}
            )
        if fault is not None and fault.isdigit() and fault != "21610":
            return self._http_error(handler, fault)
        if fault == "21610":
            return self._reply(
                handler,
                400,
                {
                    "code": 21610,
                    "message": "Attempt to send to unsubscribed recipient",
                    "status": 400,
                },
            )
        if not form.get("To") or not form.get("From") or "Body" not in form:
            return self._reply(
                handler,
                400,
                {"code": 21604, "message": "A 'To' phone number is required.", "status": 400},
            )
        message = FakeMessage(
            sid="SM" + secrets.token_hex(16),
            to=form["To"],
            from_=form["From"],
            body=form["Body"],
            status="queued",
            status_callback=form.get("StatusCallback"),
            date_created=datetime.now(UTC),
        )
        with self._lock:
            self.messages.append(message)
        if fault == "timeout_after_create":
            time.sleep(self.hang_seconds)
        return self._reply(handler, 201, message.as_json())

    def _list(self, handler: BaseHTTPRequestHandler, query: dict[str, str]) -> None:
        fault = self._take_fault(self.list_faults)
        if fault is not None:
            return self._http_error(handler, fault)
        with self._lock:
            found = [
                m
                for m in self.messages
                if (not query.get("To") or m.to == query["To"])
                and (not query.get("From") or m.from_ == query["From"])
            ]
        size = int(query.get("PageSize") or 50)
        page = [m.as_json() for m in reversed(found)][:size]
        uri = f"/2010-04-01/Accounts/{self.account_sid}/Messages.json"
        body = {
            "messages": page,
            "page": 0,
            "page_size": size,
            "first_page_uri": uri,
            "uri": uri,
            "next_page_uri": None,
            "previous_page_uri": None,
            "start": 0,
            "end": len(page),
        }
        return self._reply(handler, 200, body)

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode()
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", "application/json")
            handler.send_header("Content-Length", str(len(data)))
            handler.end_headers()
            handler.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass

    # -- calling the app -------------------------------------------------------
    def sign(self, url: str, params: dict[str, str]) -> str:
        return RequestValidator(self.auth_token).compute_signature(url, params)

    def inbound_form(
        self,
        sender: str,
        body: str,
        sid: str | None = None,
        to: str = "+3197010000001",
        **extra: str,
    ) -> dict[str, str]:
        form = {
            "MessageSid": sid or "SM" + secrets.token_hex(16),
            "SmsSid": "",
            "AccountSid": self.account_sid,
            "From": sender,
            "To": to,
            "Body": body,
            "NumMedia": "0",
        }
        form["SmsSid"] = form["MessageSid"]
        form.update(extra)
        return form

    def status_form(
        self, message: FakeMessage, status: str, error_code: str | None = None
    ) -> dict[str, str]:
        form = {
            "MessageSid": message.sid,
            "SmsSid": message.sid,
            "AccountSid": self.account_sid,
            "MessageStatus": status,
            "SmsStatus": status,
            "To": message.to,
            "From": message.from_,
        }
        if error_code:
            form["ErrorCode"] = error_code
            form["ErrorMessage"] = f"error {error_code}"
        return form


Post = Callable[[str, dict[str, str], dict[str, str]], Any]


def flask_poster(client: Any) -> Post:
    """Post form data to the app through the Flask test client."""

    def post(path: str, form: dict[str, str], headers: dict[str, str]) -> Any:
        return client.post(path, data=form, headers=headers)

    return post


def http_poster(base_url: str) -> Post:
    """Post form data to a live server over HTTP."""

    def post(path: str, form: dict[str, str], headers: dict[str, str]) -> Any:
        return requests.post(base_url + path, data=form, headers=headers, timeout=10)

    return post


def deliver_signed(
    fake: FakeTwilio, post: Post, public_base: str, path: str, form: dict[str, str]
) -> Any:
    """Sign ``form`` for ``public_base + path`` as Twilio does and post it to ``path``."""
    signature = fake.sign(public_base + path, form)
    return post(path, form, {"X-Twilio-Signature": signature})


def callback_path(message: FakeMessage, public_base: str) -> str:
    assert message.status_callback and message.status_callback.startswith(public_base)
    return message.status_callback[len(public_base) :]


def encode(form: dict[str, str]) -> str:
    return urlencode(form)
