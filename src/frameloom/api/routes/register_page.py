"""``GET /register?bind=<id>``: a small form for people who want to keep an anonymous account's credits."""

from __future__ import annotations

from html import escape
from typing import Annotated

from fastapi import APIRouter, Form, Query
from fastapi.responses import HTMLResponse

from frameloom.api.deps import AuthDep
from frameloom.domain.errors import FrameloomError

router = APIRouter(tags=["auth"])

_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>frameloom: register</title>
<style>body{{font:16px system-ui,sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}}
label{{display:block;margin:.8rem 0 .2rem}}input{{width:100%;padding:.4rem;font:inherit}}
button{{margin-top:1rem;padding:.5rem 1rem;font:inherit}}.msg{{padding:.6rem;background:#eef}}</style>
</head><body><h1>frameloom</h1>{body}</body></html>"""

_FORM = """<p>Register to keep the credits, sessions and media of this account.</p>{message}
<form method="post" action="/register">
<input type="hidden" name="bind" value="{bind}">
<label for="email">Email</label><input id="email" name="email" type="email" required autocomplete="email">
<label for="password">Password (at least 8 characters)</label>
<input id="password" name="password" type="password" minlength="8" required autocomplete="new-password">
<button type="submit">Register</button></form>"""


def _page(body: str, status: int = 200) -> HTMLResponse:
    return HTMLResponse(_PAGE.format(body=body), status_code=status)


def _form(bind: str, message: str = "") -> str:
    note = f'<p class="msg">{escape(message)}</p>' if message else ""
    return _FORM.format(bind=escape(bind, quote=True), message=note)


@router.get("/register", response_class=HTMLResponse)
def register_form(bind: Annotated[str, Query(max_length=40)] = "") -> HTMLResponse:
    """The registration form; ``bind`` comes from a 2001 answer's ``register_url``."""
    return _page(_form(bind))


@router.post("/register", response_class=HTMLResponse)
def register_submit(
    auth: AuthDep,
    email: Annotated[str, Form(max_length=254)],
    password: Annotated[str, Form(max_length=1024)],
    bind: Annotated[str, Form(max_length=40)] = "",
) -> HTMLResponse:
    """Register from the form; the agent's token keeps working on the now registered account."""
    try:
        issued = auth.register(email, password, bind or None)
    except FrameloomError as exc:
        return _page(_form(bind, str(exc)), status=400)
    return _page(f"<p class='msg'>Registered. The account keeps its {issued.credits} credits; "
                 "your agent can go on with the token it has.</p>")
