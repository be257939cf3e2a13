"""The residents' chat page: standalone, embeddable, plain language; it uses the chat API."""

from __future__ import annotations

from flask import Blueprint, render_template

from kcc.web.pages import html_errors

bp = html_errors(Blueprint("web_chat", __name__, template_folder="../templates"))


@bp.get("/chat")
def chat() -> str:
    return render_template("chat.html")
