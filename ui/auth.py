"""Staff login: a form at /login, a session cookie, and the check every staff route and page makes.

Accounts and sessions live in the data store (so replicas share them); the password comes from the environment.
"""

from __future__ import annotations

import html
from urllib.parse import quote

from fastapi import APIRouter, Form, HTTPException, Request, status
from fastapi.responses import HTMLResponse, RedirectResponse

from assistant.config import StaffSettings
from assistant.datastore import DataStore

COOKIE = "assistant_staff"
STAFF_HOME = "/staff/"

_PAGE = """<!doctype html>
<html lang="ko"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>직원 로그인 / Staff login</title>
<style>
body {{ font-family: 'Noto Sans CJK KR', 'Noto Sans KR', sans-serif; max-width: 22rem; margin: 4rem auto; padding: 0 1rem; }}
label {{ display: block; margin-top: 1rem; }} input {{ width: 100%; padding: .5rem; font-size: 1rem; box-sizing: border-box; }}
button {{ margin-top: 1.5rem; padding: .6rem 1.2rem; font-size: 1rem; }} .error {{ color: #b00020; }}
</style></head><body>
<h1>직원 로그인 <small>/ Staff login</small></h1>
{message}
<form method="post" action="/login">
<input type="hidden" name="next" value="{next}">
<label for="username">아이디 / Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">비밀번호 / Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit" id="login">로그인 / Log in</button>
</form>
<p><a href="/">← 상담 화면 / Back to the chat</a></p>
</body></html>"""

WRONG = "아이디 또는 비밀번호가 맞지 않습니다. / Wrong username or password."
CLOSED = "직원 계정이 설정되지 않았습니다(ASSISTANT_STAFF__USERNAME, ASSISTANT_STAFF__PASSWORD). / No staff account is configured."


def login_page(message: str = "", next_path: str = STAFF_HOME) -> str:
    shown = f'<p class="error" role="alert">{html.escape(message)}</p>' if message else ""
    return _PAGE.format(message=shown, next=html.escape(_safe_next(next_path)))


def _safe_next(path: str) -> str:
    """Only a path on this site: a login never sends anyone elsewhere."""
    return path if path.startswith("/") and not path.startswith("//") else STAFF_HOME


class StaffAuth:
    """Who is logged in as staff, and the routes that log in and out."""

    def __init__(self, store: DataStore, settings: StaffSettings, secure_cookie: bool = False) -> None:
        self.store = store
        self.settings = settings
        self.secure_cookie = secure_cookie
        self.enabled = bool(settings.username and settings.password)
        if self.enabled:
            store.set_staff(settings.username, settings.password.get_secret_value())

    def user(self, request: Request) -> str | None:
        """The logged-in staff member, or None."""
        return self.store.session_user(request.cookies.get(COOKIE, ""))

    def require(self, request: Request) -> str:
        """A FastAPI dependency for staff routes: the user, or 401."""
        user = self.user(request)
        if user is None:
            raise HTTPException(status.HTTP_401_UNAUTHORIZED, "staff login required")
        return user

    def router(self) -> APIRouter:
        router = APIRouter(include_in_schema=False)

        @router.get("/login", response_class=HTMLResponse)
        def show(next: str = STAFF_HOME) -> HTMLResponse:
            return HTMLResponse(login_page("" if self.enabled else CLOSED, next))

        @router.post("/login", response_class=HTMLResponse)
        def login(username: str = Form(...), password: str = Form(...), next: str = Form(STAFF_HOME)):
            if not (self.enabled and self.store.check_staff(username, password)):
                return HTMLResponse(login_page(WRONG if self.enabled else CLOSED, next), status.HTTP_401_UNAUTHORIZED)
            response = RedirectResponse(_safe_next(next), status.HTTP_303_SEE_OTHER)
            token = self.store.open_session(username, self.settings.session_hours)
            response.set_cookie(
                COOKIE, token, max_age=int(self.settings.session_hours * 3600), httponly=True, samesite="lax",
                secure=self.secure_cookie,
            )
            return response

        @router.post("/logout")
        def logout(request: Request) -> RedirectResponse:
            self.store.close_session(request.cookies.get(COOKIE, ""))
            response = RedirectResponse("/login", status.HTTP_303_SEE_OTHER)
            response.delete_cookie(COOKIE)
            return response

        return router


def login_redirect(path: str) -> RedirectResponse:
    """Where a browser without a staff session is sent."""
    return RedirectResponse(f"/login?next={quote(path)}", status.HTTP_303_SEE_OTHER)
