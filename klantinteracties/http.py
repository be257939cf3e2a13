"""The standard's HTTP conventions: URLs, Token auth, page/pageSize, expand, and its error shape."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cache
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, current_app, g, json, request
from sqlalchemy import Select, bindparam, func, select
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from kcc.auth.access import STAFF_AND_SYSTEM, requires
from kcc.db import db
from kcc.errors import Conflict, KccError, NotFound, ValidationFailed
from kcc.http.problems import describe, http_problem
from kcc.http.schemas import in_utc
from kcc.parties.models import Party
from kcc.parties.records import live_parties
from klantinteracties import spec

API_VERSION = "0.9.0"
# Open Klant reads a time without a zone as Dutch local time (Django's TIME_ZONE).
LOCAL = ZoneInfo("Europe/Amsterdam")
PREFIX = "/klantinteracties/api/v1"
DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 500
PROBLEM_TYPE = "https://kcc.example.nl/problems/klantinteracties/"
JSON_TYPES = ("application/json", "application/merge-patch+json")

blp = Blueprint("klantinteracties", __name__, url_prefix=PREFIX)


class Invalid(ValidationFailed):
    """A request the standard answers with 400 and ``invalidParams``."""

    @classmethod
    def param(cls, name: str, reason: str, code: str = "invalid") -> Invalid:
        return cls(
            f"{name}: {reason}", invalid_params=[{"name": name, "code": code, "reason": reason}]
        )


class UnsupportedMedia(KccError):
    status = 415
    title = "Unsupported Media Type"
    type_slug = "unsupported-media-type"


# ---- errors ---------------------------------------------------------------------------------

# Titles as Open Klant (Django REST framework in Dutch) gives them: clients show them as they are.
TITLES = {
    400: ("invalid", "Ongeldige invoer."),
    401: ("not_authenticated", "Authenticatiegegevens zijn niet opgegeven."),
    403: ("permission_denied", "Je hebt geen toestemming om deze actie uit te voeren."),
    404: ("not_found", "Niet gevonden."),
    405: ("method_not_allowed", "Methode niet toegestaan."),
    406: ("not_acceptable", "Niet acceptabel."),
    409: ("conflict", "Conflict."),
    413: ("too_large", "Het verzoek is te groot."),
    415: ("unsupported_media_type", "Niet-ondersteund mediatype."),
    429: ("throttled", "Te veel verzoeken."),
    500: ("error", "Er is een serverfout opgetreden."),
    503: ("unavailable", "De dienst is tijdelijk niet beschikbaar."),
}
REQUIRED = "Dit veld is vereist."
# Open Klant's clients (open-klant-client, KISS) accept only application/json: an error in
# application/problem+json reaches them as "not JSON" and its invalidParams are lost.
ERROR_MEDIA_TYPE = "application/json"


def fout(
    status: int,
    detail: str,
    invalid: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """The standard's Fout / ValidatieFout body, as application/json like Open Klant's."""
    code, title = TITLES.get(status, ("error", "Fout."))
    body: dict[str, Any] = {
        "type": PROBLEM_TYPE + code,
        "code": code,
        "title": title,
        "status": status,
        "detail": detail,
        "instance": f"urn:uuid:{uuid.uuid4()}",
    }
    if status == 400:
        body["invalidParams"] = [
            {
                "name": p.get("name", ""),
                "code": p.get("code", "invalid"),
                "reason": p.get("reason", ""),
            }
            for p in (invalid or [])
        ]
    response = Response(json.dumps(body), status=status, mimetype=ERROR_MEDIA_TYPE)
    for name, value in (headers or {}).items():
        response.headers[name] = value
    if status == 401:
        response.headers["WWW-Authenticate"] = 'Token realm="klantinteracties"'
    return response


class Refused(KccError):
    """A write the law or stored records refuse (409), as opposed to an invalid body (400)."""

    status = 409
    title = "Conflict"
    type_slug = "conflict"


def _param(p: dict[str, str], code: str) -> dict[str, str]:
    return {"name": p.get("name", ""), "code": p.get("code", code), "reason": p.get("reason", "")}


def standard_error(error: BaseException) -> Response:
    """Any error in the standard's body: the core decides the answer (``describe``); the
    standard answers validation and duplicates with 400 and its own codes."""
    found = describe(error)
    if isinstance(error, ValidationFailed | Conflict):
        code = "unique" if isinstance(error, Conflict) else "invalid"
        invalid = [_param(p, code) for p in found.invalid_params] or [
            {"name": "nonFieldErrors", "code": code, "reason": found.detail}
        ]
        return fout(400, found.detail, invalid, found.headers)
    if isinstance(error, IntegrityError):
        detail = "the change conflicts with stored data (a duplicate or a reference in use)"
        return fout(400, detail, [{"name": "nonFieldErrors", "code": "unique", "reason": detail}])
    if found.status == 401:
        # The standard's clients send "Authorization: Token <token>" (Bearer works too).
        detail = found.detail.replace(
            "'Authorization: Bearer <token>'", "'Authorization: Token <token>'"
        )
        return fout(401, detail.replace("bearer token", "token"))
    if found.status == 400 and isinstance(error, HTTPException):
        reason = "De body is geen geldige JSON."
        return fout(
            400, reason, [{"name": "nonFieldErrors", "code": "parse_error", "reason": reason}]
        )
    status = 400 if found.status == 422 else found.status
    invalid = [_param(p, "invalid") for p in found.invalid_params] or [
        {"name": "nonFieldErrors", "code": "invalid", "reason": found.detail}
    ]
    return fout(status, found.detail, invalid, found.headers)


blp.register_error_handler(Exception, standard_error)


def routing_problem(error: HTTPException) -> Response:
    """A path or method no route of the app matches: under this API's prefix in the standard's
    shape and version, elsewhere as the rest of the app answers."""
    if request.blueprint is not None or not (
        request.path == PREFIX or request.path.startswith(PREFIX + "/")
    ):
        return http_problem(error)
    status = error.code or 404
    detail = f'Methode "{request.method}" niet toegestaan.' if status == 405 else "Niet gevonden."
    response = _headers(fout(status, detail))
    valid = getattr(error, "valid_methods", None)
    if status == 405 and valid:
        response.headers["Allow"] = ", ".join(sorted(valid))
    return response


@blp.after_request
def _headers(response: Response) -> Response:
    response.headers["API-Version"] = API_VERSION
    response.headers.setdefault("Cache-Control", "no-store")
    return response


# ---- URLs and references --------------------------------------------------------------------


def base_url() -> str:
    # One lookup through ``g`` (a context-local proxy): representations call this per row.
    try:
        return g.ki_base  # type: ignore[no-any-return]
    except AttributeError:
        settings = current_app.config["KCC_SETTINGS"]
        g.ki_base = (settings.public_base_url or request.host_url).rstrip("/") + PREFIX
        return g.ki_base  # type: ignore[no-any-return]


def url(path: str, item_uuid: uuid.UUID | str) -> str:
    return f"{base_url()}/{path}/{item_uuid}"


def ref(path: str, item_uuid: uuid.UUID | str | None) -> dict[str, str] | None:
    """A foreign-key object ``{uuid, url}``."""
    if item_uuid is None:
        return None
    return {"uuid": str(item_uuid), "url": url(path, item_uuid)}


@cache
def _lookup(model: Any) -> Select[Any]:
    """The statement that finds a row of ``model`` by uuid, built once."""
    # A deleted partij is no longer one a body may refer to.
    stmt = live_parties() if model is Party else select(model)
    return stmt.where(model.uuid == bindparam("wanted"))


def _wanted(value: Any, name: str, required: bool) -> uuid.UUID | None:
    """The uuid of a ``{uuid}`` reference in a body; None for null when allowed."""
    if value is None:
        if required:
            raise Invalid.param(name, REQUIRED, "required")
        return None
    key = value.get("uuid") if isinstance(value, dict) else None
    try:
        return uuid.UUID(str(key))
    except ValueError:
        raise Invalid.param(f"{name}.uuid", "Moet een geldige UUID zijn.") from None


def _missing(name: str, wanted: uuid.UUID) -> Invalid:
    return Invalid.param(
        f"{name}.uuid", f"Object met uuid {wanted} bestaat niet.", "does_not_exist"
    )


def resolve(
    model: Any, value: Any, name: str, required: bool = False, lookup: Select[Any] | None = None
) -> Any:
    """The row a ``{uuid}`` reference in a body points at; None for null when allowed.

    ``lookup`` finds it by the bound ``wanted`` uuid instead of the whole row's select (a
    caller that needs only some of its columns)."""
    wanted = _wanted(value, name, required)
    if wanted is None:
        return None
    row = db.session().scalar(lookup if lookup is not None else _lookup(model), {"wanted": wanted})
    if row is None:
        raise _missing(name, wanted)
    return row


def resolve_with(lookup: Select[Any], params: dict[str, Any], value: Any, name: str) -> Any:
    """:func:`resolve` by a ``lookup`` that reads more beside the row, in the same statement
    (its other parameters bound from ``params``): the whole result row, or None for null."""
    wanted = _wanted(value, name, False)
    if wanted is None:
        return None
    found = db.session().execute(lookup, {"wanted": wanted, **params}).first()
    if found is None:
        raise _missing(name, wanted)
    return found


# ---- request bodies and query parameters ----------------------------------------------------


def _merged(stored: Any, given: Any) -> Any:
    return {**stored, **given} if isinstance(stored, dict) and isinstance(given, dict) else given


def _left_empty(problem: dict[str, Any], stored: dict[str, Any]) -> bool:
    group, _, field = problem["name"].partition(".")
    return (
        problem["code"] == "required"
        and bool(field)
        and "." not in field  # not inside a list's item (``name.0.field``) or deeper
        and isinstance(stored.get(group), dict)
    )


def body(schema_name: str, merge_onto: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON body checked against the document; a PATCH is merged onto the current state."""
    if not request.mimetype and not request.get_data():
        # No body at all, as Open Klant takes it: an empty object (a PATCH changes nothing).
        data: object = {}
    elif request.mimetype not in JSON_TYPES:
        raise UnsupportedMedia(
            f'Ongeldig mediatype "{request.mimetype or ""}" in aanvraag; stuur application/json.'
        )
    else:
        data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise Invalid.param(
            "nonFieldErrors", "Ongeldige data. Verwachtte een JSON-object.", "parse_error"
        )
    if merge_onto is not None:
        # A partial update, as Open Klant's: a group in the body need not be whole (PATCH
        # /actoren with only a new e-mail address in actorIdentificatie); what it leaves out
        # keeps its stored value.
        data = {**merge_onto, **{key: _merged(merge_onto.get(key), v) for key, v in data.items()}}
    problems = spec.check_body(schema_name, data)
    if merge_onto is not None:
        # A stored group may lack a field kept empty: a change need not send it.
        problems = [p for p in problems if not _left_empty(p, merge_onto)]
    if problems:
        detail = "; ".join(f"{p['name']}: {p['reason']}" for p in problems[:5])
        raise Invalid(detail, invalid_params=problems)
    return data


def parse_param(name: str, kind: str, raw: str) -> Any:
    """One query parameter as its declared type; a bad value is a 400 on that parameter."""
    try:
        if kind == "uuid":
            return uuid.UUID(raw)
        if kind in ("url", "uuid-or-nothing"):
            # Like Open Klant: a value that names no object finds nothing (no 400); a URL's
            # last segment is its uuid. Open Klant's betrokkenen take their ``__uuid`` filters
            # the same way ("uuid-or-nothing").
            last = raw.rstrip("/").rsplit("/", 1)[-1] if kind == "url" else raw
            try:
                return uuid.UUID(last)
            except ValueError:
                return NOTHING
        if kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0"):
                raise ValueError(raw)
            return raw.lower() in ("true", "1")
        if kind == "date":
            return date.fromisoformat(raw)
        if kind == "datetime":
            parsed = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            return in_utc(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=LOCAL))
        if kind.startswith("enum:") and raw not in kind[5:].split(","):
            raise ValueError(raw)
        return raw
    except ValueError:
        raise Invalid.param(
            name, INVALID_PARAM.get(kind.split(":")[0], "Ongeldige waarde.")
        ) from None


# No object has this uuid (ours are random ones): a filter on it finds nothing.
NOTHING = uuid.UUID(int=0)
INVALID_PARAM = {
    "uuid": "Voer een geldige UUID in.",
    "bool": "Kies true of false.",
    "date": "Voer een geldige datum in.",
    "datetime": "Voer een geldige datum/tijd in.",
    "enum": "Selecteer een geldige keuze.",
}


Filter = Callable[[Select[Any], Any], Select[Any]]


@dataclass
class Listing:
    """A resource's list endpoint: its filters (name -> (kind, apply)) and expansions."""

    filters: dict[str, tuple[str, Filter]] = field(default_factory=dict)
    expand: tuple[str, ...] = ()


def apply_filters(stmt: Select[Any], listing: Listing) -> Select[Any]:
    args = request.args
    for name, (kind, apply) in listing.filters.items():
        raw = args.get(name)
        if raw is None or raw == "":
            continue
        stmt = apply(stmt, parse_param(name, kind, raw))
    return stmt


def expansions(allowed: tuple[str, ...]) -> set[str]:
    """The requested ``expand`` names; each must be one the document lists."""
    raw = ",".join(request.args.getlist("expand"))
    wanted = {name.strip() for name in raw.split(",") if name.strip()}
    unknown = sorted(wanted - set(allowed))
    if unknown:
        raise Invalid.param(
            "expand",
            f"Selecteer een geldige keuze. {', '.join(unknown)} is geen beschikbare keuze; "
            f"kies uit {', '.join(allowed)}.",
            "invalid_choice",
        )
    for name in list(wanted):
        while "." in name:
            name = name.rsplit(".", 1)[0]
            wanted.add(name)
    return wanted


def paginate(stmt: Select[Any], order: tuple[Any, ...]) -> tuple[list[Any], dict[str, Any]]:
    """One page of rows and the ``{count, next, previous}`` around it.

    As in Open Klant (Django REST framework): ``page=last`` is the last page, a page that is not
    a whole number of at least 1 or lies past the last is 404 "Ongeldige pagina.", and a
    ``pageSize`` that is not a positive whole number is the default.
    """
    size = min(_page_size(), MAX_PAGE_SIZE)
    session = db.session()
    count = session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0
    last_page = max(1, -(-count // size))
    raw = (request.args.get("page") or "1").strip()
    page = last_page if raw == "last" else int(raw) if raw.isdecimal() else 0
    if page < 1 or page > last_page:
        raise NotFound("Ongeldige pagina.")
    rows = list(
        session.scalars(stmt.order_by(*order).offset((page - 1) * size).limit(size)).unique()
    )
    return rows, {
        "count": count,
        "next": _page_url(page + 1) if page < last_page else None,
        "previous": _page_url(page - 1) if page > 1 else None,
    }


def _page_size() -> int:
    raw = (request.args.get("pageSize") or "").strip()
    return int(raw) if raw.isdecimal() and int(raw) > 0 else DEFAULT_PAGE_SIZE


def _page_url(page: int) -> str:
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]
    args.append(("page", str(page)))
    return f"{base_url()}{request.path.removeprefix(PREFIX)}?{urlencode(args)}"


def json_response(data: Any, status: int = 200) -> Response:
    return Response(json.dumps(data), status=status, mimetype="application/json")


def guarded(activity: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Token auth for staff and systems, serving ``activity``."""
    return requires(*STAFF_AND_SYSTEM, activity=activity)


def renamed(error: KccError, names: dict[str, str]) -> KccError:
    """A core validation error or conflict with its field names in the standard's words."""
    if not isinstance(error, ValidationFailed | Conflict):
        return error
    params = [
        {**p, "name": names.get(p.get("name", ""), p.get("name", ""))} for p in error.invalid_params
    ]
    detail = "; ".join(f"{p['name']}: {p['reason']}" for p in params) or error.detail
    if isinstance(error, Conflict):
        return Conflict(error.detail, invalid_params=params)
    return Invalid(detail, invalid_params=params)
