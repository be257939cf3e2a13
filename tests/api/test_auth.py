"""Bearer tokens: missing, unknown, revoked, inactive users; tokens stored only as a keyed hash."""

from __future__ import annotations

from sqlalchemy import select, text

from kcc.auth.models import ApiToken, User
from kcc.auth.services import revoke_token
from kcc.crypto import hash_api_token
from kcc.db import db


def assert_unauthorized(response) -> None:
    assert response.status_code == 401, response.json
    assert response.mimetype == "application/problem+json"
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert response.json["status"] == 401
    assert response.json["detail"]


def test_missing_token(client):
    assert_unauthorized(client.get("/api/v1/me"))
    assert_unauthorized(client.get("/api/v1/parties"))
    assert_unauthorized(client.post("/api/v1/contact-moments", json={"channel": "phone"}))


def test_malformed_and_unknown_tokens(client, agent):
    for header in (
        "Basic YWxhZGRpbjpvcGVuc2VzYW1l",
        "Bearer",
        "Bearer ",
        agent.token,
        "Bearer kcc_nope",
    ):
        assert_unauthorized(client.get("/api/v1/me", headers={"Authorization": header}))


def test_me(agent):
    response = agent.get("/api/v1/me")
    assert response.status_code == 200
    assert response.json["id"] == str(agent.user_id)
    assert response.json["role"] == "agent"


def test_revoke_the_current_token(agent):
    assert agent.delete("/api/v1/tokens/current").status_code == 204
    assert_unauthorized(agent.get("/api/v1/me"))
    assert_unauthorized(agent.delete("/api/v1/tokens/current"))


def test_revoke_through_the_service(app, agent):
    with app.app_context():
        token = db.session().scalar(select(ApiToken).join(User).where(User.uuid == agent.user_id))
        revoke_token(token.uuid)
        db.commit()
        db.remove()
    assert_unauthorized(agent.get("/api/v1/me"))


def test_inactive_user(app, agent):
    with app.app_context():
        user = db.session().scalar(select(User).where(User.uuid == agent.user_id))
        user.is_active = False
        db.commit()
        db.remove()
    assert_unauthorized(agent.get("/api/v1/parties"))


def test_tokens_are_stored_only_as_hmac(app, make_caller):
    admin = make_caller("admin")
    created = admin.post(
        "/api/v1/users", json={"name": "j.devries", "role": "agent", "display_name": "Jan de Vries"}
    )
    assert created.status_code == 201, created.json
    token = created.json["token"]
    assert created.json["user"]["role"] == "agent"
    another = admin.post(
        f"/api/v1/users/{created.json['user']['id']}/tokens", json={"label": "laptop"}
    )
    assert another.status_code == 201
    second = another.json["token"]
    assert second != token
    with app.app_context():
        rows = db.session().execute(text("SELECT * FROM api_tokens")).mappings().all()
        secret = app.config["KCC_SETTINGS"].secret_key
        db.remove()
    stored = " ".join(str(v) for row in rows for v in row.values())
    assert token not in stored and second not in stored
    hashes = {row["token_hash"] for row in rows}
    assert hash_api_token(secret, token) in hashes
    assert hash_api_token(secret, second) in hashes
    for value in (token, second):
        me = app.test_client().get("/api/v1/me", headers={"Authorization": f"Bearer {value}"})
        assert me.json["name"] == "j.devries"
    listed = admin.get("/api/v1/users")
    assert token not in listed.get_data(as_text=True)


def test_user_rules(make_caller):
    admin = make_caller("admin")
    assert admin.post("/api/v1/users", json={"name": "piet", "role": "agent"}).status_code == 201
    assert admin.post("/api/v1/users", json={"name": "piet", "role": "agent"}).status_code == 409
    bad_role = admin.post("/api/v1/users", json={"name": "kees", "role": "emperor"})
    assert bad_role.status_code == 422
    assert bad_role.json["invalid_params"][0]["name"] == "role"
    bad_name = admin.post("/api/v1/users", json={"name": "a b", "role": "agent"})
    assert bad_name.status_code == 422
    missing = admin.post("/api/v1/users/00000000-0000-4000-8000-000000000000/tokens", json={})
    assert missing.status_code == 404
