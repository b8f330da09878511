"""The review app's server: 127.0.0.1 only, a token, strict headers, a clean stop.

Security, because catalog and termbase text is untrusted and the app writes files:
- it binds 127.0.0.1; a request whose Host is not this address and port is refused
  (DNS rebinding);
- the printed address carries a random token; it becomes an HttpOnly, SameSite=Strict
  cookie whose name includes the port (cookies ignore ports, and two apps may run);
  every request without it is refused with 403;
- every write must come from a page of the app itself: its Origin header is checked (CSRF);
- every page is sent with a Content-Security-Policy that allows only the app's own script
  and style files: no inline script, no eval; the built editions are served read-only
  under `Content-Security-Policy: sandbox`.
"""

from __future__ import annotations

import secrets
import socket
import webbrowser
from collections.abc import Awaitable, Callable, MutableMapping
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlencode

from pipeline.config import Publication

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

HOST = "127.0.0.1"
CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
SANDBOX_CSP = "sandbox; default-src 'self'; script-src 'none'"


def cookie_name(port: int) -> str:
    """Return the name of the token cookie for an app on `port`."""
    return f"review_token_{port}"


class Guard:
    """ASGI middleware: the host check, the token cookie, the Origin check and the headers."""

    def __init__(self, app: ASGIApp, token: str, port: int):
        self.app, self.token, self.port = app, token, port
        self.origins = {f"http://{HOST}:{port}", f"http://localhost:{port}"}
        self.hosts = {f"{HOST}:{port}", f"localhost:{port}"}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1"): v.decode("latin-1") for k, v in scope["headers"]}
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if headers.get("host") not in self.hosts:
            await _refuse(send, "This address is not the review app's.")
            return
        if query.get("token", [""])[0] and secrets.compare_digest(query["token"][0], self.token):
            await self._enter(scope, query, send)
            return
        cookie = SimpleCookie(headers.get("cookie", ""))
        morsel = cookie.get(cookie_name(self.port))
        if morsel is None or not secrets.compare_digest(morsel.value, self.token):
            await _refuse(send, "Open the address that `python -m pipeline review` printed.")
            return
        if scope["method"] not in ("GET", "HEAD") and headers.get("origin") not in self.origins:
            await _refuse(send, "This form did not come from the review app.")
            return
        await self.app(scope, receive, _with_headers(send, scope["path"]))

    async def _enter(self, scope: Scope, query: dict[str, list[str]], send: Send) -> None:
        """Turn the token of the printed address into the cookie, and drop it from the URL."""
        rest = {k: v for k, v in query.items() if k != "token"}
        location = scope["path"] + (f"?{urlencode(rest, doseq=True)}" if rest else "")
        cookie = f"{cookie_name(self.port)}={self.token}; HttpOnly; SameSite=Strict; Path=/"
        await send(
            {
                "type": "http.response.start",
                "status": 303,
                "headers": [
                    (b"location", location.encode()),
                    (b"set-cookie", cookie.encode()),
                    (b"content-security-policy", CSP.encode()),
                    (b"cache-control", b"no-store"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": b""})


def _with_headers(send: Send, path: str) -> Send:
    policy = SANDBOX_CSP if path.startswith("/output/") else CSP

    async def sender(message: Message) -> None:
        if message["type"] == "http.response.start":
            headers = list(message.get("headers", []))
            headers += [
                (b"content-security-policy", policy.encode()),
                (b"x-content-type-options", b"nosniff"),
                (b"referrer-policy", b"same-origin"),  # "no-referrer" turns Origin into "null"
                (b"cache-control", b"no-store"),
            ]
            message["headers"] = headers
        await send(message)

    return sender


async def _refuse(send: Send, reason: str) -> None:
    body = f"403 Forbidden: {reason}\n".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-security-policy", CSP.encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def free_socket(port: int) -> socket.socket:
    """Bind a listening socket on 127.0.0.1: `port`, or a random free port for 0."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((HOST, port))
    except OSError as exc:
        from pipeline.errors import PipelineError

        raise PipelineError(
            f"cannot listen on {HOST}:{port} ({exc.strerror}); choose another --port"
        ) from None
    sock.listen(64)
    return sock


def serve(
    publication: Publication,
    port: int = 0,
    open_browser: bool = True,
    announce: Callable[[str], None] = lambda line: None,
    token: str | None = None,
) -> None:
    """Run the review app until Ctrl+C; print its address with the token."""
    import uvicorn

    from pipeline.review_app.pages import create_app

    sock = free_socket(port)
    port = sock.getsockname()[1]
    token = token or secrets.token_urlsafe(24)
    app = Guard(create_app(publication, port), token, port)
    url = f"http://{HOST}:{port}/?token={token}"
    announce(f"review app for {publication.title}: {url}")
    announce("stop it with Ctrl+C")
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
    server = uvicorn.Server(config)
    if open_browser:
        webbrowser.open(url)
    server.run(sockets=[sock])
    announce("review app stopped")
