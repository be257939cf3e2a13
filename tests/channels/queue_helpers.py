"""Helpers for the front office tests: teams in the directory and chats that wait in a queue."""

from __future__ import annotations

from typing import Any

from flask import Flask

from kcc.db import db


def make_teams(app: Flask, *keys: str) -> None:
    """Active teams in the directory (KCC is the default queue)."""
    from kcc.directory.services import create_team, find_team

    with app.app_context():
        for key in keys:
            if find_team(key) is None:  # the suite's own teams are there already
                create_team(key, f"Team {key}")
        db.commit()
        db.remove()


def start_chat(client: Any, text: str = "Hoe vraag ik een paspoort aan?", name: str = "") -> dict:
    """A resident's chat with one message; the chat's session (id and token)."""
    started = client.post("/api/v1/chat/sessions", json={"display_name": name})
    assert started.status_code == 201, started.json
    chat = started.json
    say(client, chat, text)
    return chat


def say(client: Any, chat: dict, text: str) -> Any:
    response = client.post(
        f"/api/v1/chat/sessions/{chat['id']}/messages",
        json={"body": text},
        headers={"X-Chat-Token": chat["token"]},
    )
    assert response.status_code == 201, response.json
    return response


def newest_conversation(caller: Any) -> dict:
    listed = caller.get("/api/v1/conversations")
    assert listed.status_code == 200, listed.json
    return listed.json["items"][0]
