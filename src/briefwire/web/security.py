"""Small, dependency-free security layers: Host allow-list, token auth, body size limit, rate
limit, same-origin posts, headers.

They are plain ASGI middleware (not ``BaseHTTPMiddleware``) so they see the raw byte stream
and never buffer a response, which the job event stream relies on.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from urllib.parse import quote, urlencode, urlsplit

from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SESSION_COOKIE = "briefwire_session"
# Reachable without a token: the login form, the stylesheet/script it needs, a health probe.
PUBLIC_PATHS = ("/login", "/healthz")
PUBLIC_PREFIXES = ("/static/",)
# Our pages carry no inline script, so a strict policy costs nothing and blunts any injection
# that slipped past escaping. FastAPI's /docs pulls Swagger UI from a CDN, so it is exempt.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
CSP_EXEMPT = ("/docs", "/redoc")


def session_value(token: str) -> str:
    """The cookie holds a keyed digest, not the token itself, so a leaked cookie is not the API key."""
    return hmac.new(token.encode(), b"briefwire-session-v1", hashlib.sha256).hexdigest()


def token_matches(candidate: str | None, token: str) -> bool:
    return candidate is not None and hmac.compare_digest(candidate.encode(), token.encode())


def session_matches(cookie: str | None, token: str) -> bool:
    return cookie is not None and hmac.compare_digest(cookie.encode(), session_value(token).encode())


def set_session_cookie(response: Response, token: str, request: Request) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        session_value(token),
        max_age=30 * 24 * 3600,
        httponly=True,
        samesite="strict",  # also our CSRF defence for cookie-authenticated form posts
        secure=request.url.scheme == "https",
    )


def safe_next(target: str | None) -> str:
    """Only same-site paths after login: "//evil.example" or "/\\evil" would leave the site, and
    control characters have no business in a Location header."""
    if (
        not target
        or not target.startswith("/")
        or target.startswith("//")
        or "\\" in target
        or any(ord(c) < 32 or ord(c) == 127 for c in target)
    ):
        return "/"
    return target


class TokenAuth:
    """When a token is configured every route but ``PUBLIC_PATHS`` needs it.

    API clients send ``Authorization: Bearer <token>``; browsers log in once (form or
    ``?token=``) and then carry a session cookie. Every wrong token, however sent, counts
    against ``limiter`` (the login form's), and a client over it is refused before its token
    is even compared: guessing is as slow through the API as through the form.
    """

    def __init__(
        self,
        app: ASGIApp,
        token: str | None,
        login_page: Callable[[Request], Response],
        limiter: RateLimiter,
    ) -> None:
        self.app = app
        self.token = token
        self.login_page = login_page
        self.limiter = limiter

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self.token or _is_public(scope["path"]):
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        auth = request.headers.get("authorization", "")
        bearer = auth[7:].strip() if auth[:7].lower() == "bearer " else None
        guess = bearer if bearer is not None else self._query_token(request)
        if guess is not None and (refused := self.limiter.refusal(request)) is not None:
            await _as_response(refused, request)(scope, receive, send)
            return
        if token_matches(bearer, self.token) or session_matches(
            request.cookies.get(SESSION_COOKIE), self.token
        ):
            await self.app(scope, receive, send)
            return
        if guess is not None and not token_matches(guess, self.token):
            self.limiter.hit(client_address(request))
        response = self._refuse(request)
        await response(scope, receive, send)

    @staticmethod
    def _query_token(request: Request) -> str | None:
        return request.query_params.get("token") if request.method == "GET" else None

    def _refuse(self, request: Request) -> Response:
        assert self.token is not None
        path = request.url.path
        if token_matches(self._query_token(request), self.token):
            # Trade the token in the address bar for a cookie, then drop it from the URL (history,
            # referrers, server logs).
            rest = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
            location = quote(path) + ("?" + urlencode(rest) if rest else "")
            response = Response(status_code=303, headers={"Location": location})
            set_session_cookie(response, self.token, request)
            return response
        if path.startswith("/api/") or path in ("/openapi.json",):
            return Response(
                json.dumps({"detail": "A bearer token is required: send 'Authorization: Bearer <token>'."}),
                status_code=401,
                media_type="application/json",
                headers={"WWW-Authenticate": "Bearer"},
            )
        return self.login_page(request)


def _as_response(error: HTTPException, request: Request) -> Response:
    """An HTTPException raised outside the routes, where no exception handler turns it into a response."""
    if request.url.path.startswith("/api/"):
        body, media = json.dumps({"detail": error.detail}), "application/json"
    else:
        body, media = str(error.detail), "text/plain"
    return Response(body, status_code=error.status_code, media_type=media, headers=error.headers)


def _is_public(path: str) -> bool:
    return path in PUBLIC_PATHS or path.startswith(PUBLIC_PREFIXES)


class PayloadTooLarge(HTTPException):
    def __init__(self, limit: int) -> None:
        super().__init__(413, f"The request body is larger than the limit of {limit} bytes.")


class BodySizeLimit:
    """413 for bodies over ``limit`` bytes, counted as they arrive.

    Content-Length is checked first as a shortcut, but a chunked upload (or a lying header)
    is stopped by counting the bytes actually read.
    """

    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = Headers(scope=scope).get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    # An HTTPException passes through FastAPI's body parsing untouched.
                    raise PayloadTooLarge(self.limit)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except PayloadTooLarge:
            if started:
                raise
            await self._too_large(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        body = json.dumps({"detail": f"The request body is larger than the limit of {self.limit} bytes."})
        await Response(body, status_code=413, media_type="application/json", headers={"Connection": "close"})(
            scope, receive, send
        )


class SecurityHeaders:
    """Adds CSP and friends to every response that did not set its own."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        exempt = scope["path"] in CSP_EXEMPT

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                if not exempt:
                    headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                # Not "no-referrer": with it Chromium sends "Origin: null" on our own form posts,
                # which SameOriginPosts must refuse. Other sites still get no referrer.
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
            await send(message)

        await self.app(scope, receive, with_headers)


class HostAllowList:
    """Host names the server answers to: exact names, "*.example.com" for its subdomains, "*" for any."""

    def __init__(self, patterns: Iterable[str]) -> None:
        patterns = tuple(patterns)
        self.names = {name for p in patterns if not p.startswith("*") and (name := _hostname(p))}
        self.suffixes = tuple(p[1:].lower() for p in patterns if p.startswith("*."))
        self.any = "*" in patterns

    def allows(self, host: str | None) -> bool:
        """Whether ``host`` (as in a Host header or an origin: name or address, optional port) is listed."""
        name = _hostname(host) if host else None
        return name is not None and (self.any or name in self.names or name.endswith(self.suffixes))


def _hostname(netloc: str) -> str | None:
    """The lower-case host of a Host value ("[::1]:8000" -> "::1"); None when it is not one."""
    try:
        parts = urlsplit(f"//{netloc}")
        parts.port  # noqa: B018 -- raises ValueError for a port that is not a number
    except ValueError:
        return None
    if parts.username is not None or parts.path or parts.query or parts.fragment:
        return None
    return parts.hostname or None


def _port(scheme: str, netloc: str) -> int | None:
    try:
        return urlsplit(f"//{netloc}").port or {"http": 80, "https": 443}.get(scheme)
    except ValueError:
        return None


class TrustedHosts:
    """400 for a request whose Host header is not on the allow-list.

    A web page cannot set Host: a browser sends the name in the page's address. So a page
    at a domain rebound to 127.0.0.1 reaches the socket but is refused here.
    """

    def __init__(self, app: ASGIApp, allowed: HostAllowList) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not self.allowed.allows(Headers(scope=scope).get("host")):
            response = Response("Invalid Host header.", status_code=400, media_type="text/plain")
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class SameOriginPosts:
    """Refuses cross-site form posts: a page elsewhere must not start briefings on a local server.

    Browsers send ``Origin`` on every cross-site POST; API clients such as curl send none. The
    origin's host must be on the allow-list (not merely equal Host, which a rebound domain
    makes its own) and its port the one the request came in on (another local server's
    pages are another site).
    """

    def __init__(self, app: ASGIApp, allowed: HostAllowList) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] not in ("GET", "HEAD", "OPTIONS"):
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            if origin is not None and not self._same_site(origin, scope["scheme"], headers.get("host", "")):
                response = Response("Cross-site request refused.", status_code=403, media_type="text/plain")
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)

    def _same_site(self, origin: str, scheme: str, host: str) -> bool:
        # "null" is what sandboxed frames and some redirects send: never our own page.
        parts = urlsplit(origin) if origin != "null" else None
        return (
            parts is not None
            and parts.scheme in ("http", "https")
            and self.allowed.allows(parts.netloc)
            and _port(parts.scheme, parts.netloc) == _port(scheme, host)
        )


def client_address(request: Request) -> str:
    """The client a limit applies to: the socket peer, or what a trusted proxy said it was (the
    ``ProxyHeadersMiddleware`` in app.py rewrites the peer only for configured proxies)."""
    return request.client.host if request.client else "unknown"


class RateLimiter:
    """Sliding-window limit per key (the client address): at most ``limit`` hits per ``window`` s."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit = limit
        self.window = window
        self._clock = clock
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float | None:
        """Record a hit; return the seconds to wait instead if the key is over its limit."""
        if self.limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            if len(self._hits) > 10_000:  # bound memory against many distinct clients
                self._prune(now)
        return None

    def wait(self, key: str) -> float | None:
        """The seconds ``key`` must wait before its next hit is allowed, without recording one."""
        if self.limit <= 0:
            return None
        now = self._clock()
        with self._lock:
            live = [t for t in self._hits.get(key, ()) if t > now - self.window]
            return max(live[0] + self.window - now, 0.001) if len(live) >= self.limit else None

    def check(self, request: Request) -> None:
        """FastAPI dependency body: record a hit; 429 with Retry-After when the client is over its limit."""
        wait = self.hit(client_address(request))
        if wait is not None:
            raise _too_many(wait)

    def refusal(self, request: Request) -> HTTPException | None:
        """The 429 for a client already over its limit, recording nothing; None if it is not."""
        wait = self.wait(client_address(request))
        return _too_many(wait) if wait is not None else None

    def _prune(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]


def _too_many(wait: float) -> HTTPException:
    seconds = str(math.ceil(wait))
    return HTTPException(
        429, f"Too many requests; try again in {seconds} s.", headers={"Retry-After": seconds}
    )
