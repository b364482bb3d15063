"""The web server: the public chat at /, the JSON API at /api, the staff login at /login and console at /staff.

Everything is one FastAPI app, so one process (or each replica) serves all of it; the UI, API and console are given
the same InquiryDesk and render what it yields. The chat and the API share one per-client limit on questions; the
Gradio queues of the chat and the console are sized from UISettings (see the fields' descriptions for why).
"""

from __future__ import annotations

import gradio as gr
import uvicorn
from fastapi import FastAPI, Request
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from assistant.config import Settings
from assistant.datastore import DataStore, open_datastore
from assistant.inquiries import InquiryDesk
from assistant.service import AssistantService

from .api import api
from .app import build_app, queue_full_script
from .auth import StaffAuth, login_redirect
from .ratelimit import RateLimiter
from .source_view import source_router
from .staff import build_staff


def build_server(service: AssistantService, store: DataStore | None = None) -> FastAPI:
    """The whole web app over a service; the data store defaults to the configured one (settings.database_url or
    SQLite in settings.data_dir)."""
    settings: Settings = service.settings
    store = store or open_datastore(settings.data_dir, settings.database_url)
    desk = InquiryDesk(service, store)
    auth = StaffAuth(store, settings.staff)
    server = FastAPI(docs_url=None, redoc_url=None, openapi_url=None)
    if settings.ui.trusted_proxies:  # only then is X-Forwarded-For believed (see UISettings.trusted_proxies)
        server.add_middleware(ProxyHeadersMiddleware, trusted_hosts=[str(net) for net in settings.ui.trusted_proxies])
    asks = RateLimiter.from_settings(settings.ui, store, "ask")  # questions, through the chat and the API together
    ratings = RateLimiter.from_settings(settings.ui, store, "feedback")  # feedback through the API, counted apart

    @server.middleware("http")
    async def staff_pages_need_login(request: Request, call_next):
        # A browser opening the console without a session is sent to the login form; the console's own requests
        # (and the API's staff routes) answer 401 instead.
        if request.method == "GET" and request.url.path in {"/staff", "/staff/"} and auth.user(request) is None:
            return login_redirect("/staff/")
        return await call_next(request)

    server.mount("/api", api(desk, auth, asks, ratings))
    server.include_router(auth.router())
    server.include_router(source_router(service))
    staff = build_staff(desk, settings).queue(
        default_concurrency_limit=settings.ui.staff_queue_concurrency, max_size=settings.ui.staff_queue_size)
    gr.mount_gradio_app(server, staff, path="/staff", auth_dependency=auth.user)
    chat = build_app(desk, asks).queue(
        default_concurrency_limit=settings.ui.queue_concurrency, max_size=settings.ui.queue_size)
    # Last: the chat answers every path not taken above.
    gr.mount_gradio_app(server, chat, path="", head=queue_full_script())
    return server


def serve(service: AssistantService, host: str, port: int) -> None:
    """Serve the web app until interrupted. uvicorn's own proxy-header handling (which believes X-Forwarded-For from
    127.0.0.1) is off: UISettings.trusted_proxies alone decides."""
    uvicorn.run(build_server(service), host=host, port=port, log_level="info", proxy_headers=False)
