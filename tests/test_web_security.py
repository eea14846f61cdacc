"""Security of the web app: token, body size, rate limit, SSRF and escaping of article text."""

from __future__ import annotations

import http.server
import ipaddress
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import ClassVar

import lxml.html
import pytest
from fastapi.testclient import TestClient
from live_server import served
from test_web_support import ARTICLE, StandIn, settings_for, wait_for_job

from briefwire.ingest import fetch
from briefwire.web import WebSettings, create_app
from briefwire.web.security import RateLimiter
from briefwire.web.settings import LOCAL_HOSTS

TOKEN = "s3cret-token"


# -- token -----------------------------------------------------------------------------


def test_api_needs_the_bearer_token(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, token=TOKEN))) as client:
        refused = client.post("/api/briefings", json={"text": ARTICLE})
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert "Bearer" in refused.json()["detail"]
        wrong = {"Authorization": "Bearer nope"}
        assert client.get("/api/archive", headers=wrong).status_code == 401
        assert client.get("/openapi.json").status_code == 401

        good = {"Authorization": f"Bearer {TOKEN}"}
        accepted = client.post("/api/briefings", json={"text": ARTICLE}, headers=good)
        assert accepted.status_code == 202
        job = wait_for_job(client, accepted.json()["id"], headers=good)
        assert client.get(f"/api/briefings/{job['briefing_id']}", headers=good).status_code == 200
        assert client.get(f"/api/jobs/{job['id']}").status_code == 401
        assert client.get("/healthz").json()["ok"] is True  # probes need no token
        assert client.get("/static/style.css").status_code == 200  # the login page needs it


def test_pages_need_the_token_once_then_a_cookie(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, token=TOKEN))) as client:
        page = client.get("/archive")
        assert page.status_code == 401
        form = lxml.html.fromstring(page.text).forms[0]
        assert form.action == "/login" and form.inputs["next"].value == "/archive"

        bad = client.post("/login", data={"token": "guess", "next": "/archive"})
        assert bad.status_code == 401 and "not right" in bad.text
        assert client.get("/archive").status_code == 401

        login = client.post("/login", data={"token": TOKEN, "next": "/archive"}, follow_redirects=False)
        assert login.status_code == 303 and login.headers["location"] == "/archive"
        cookie = login.headers["set-cookie"]
        assert "HttpOnly" in cookie and "SameSite=strict" in cookie and TOKEN not in cookie
        assert client.get("/archive").status_code == 200
        # The cookie also serves the page's own API calls (job polling, event stream).
        assert client.get("/api/archive").status_code == 200


def test_token_in_the_address_is_swapped_for_a_cookie(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, token=TOKEN))) as client:
        response = client.get(f"/archive?q=port&token={TOKEN}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"] == "/archive?q=port"  # token gone from the URL
        assert client.get("/archive?q=port").status_code == 200
        client.cookies.clear()
        assert client.get("/archive?token=wrong").status_code == 401


def test_login_never_redirects_off_site(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, token=TOKEN))) as client:
        for target in ("//evil.example/", "https://evil.example/", "/\\evil.example", "/\r\nSet-Cookie: x=1"):
            response = client.post("/login", data={"token": TOKEN, "next": target}, follow_redirects=False)
            assert response.headers["location"] == "/"


# -- sizes and rates -------------------------------------------------------------------


def test_request_body_limit_is_enforced_while_reading(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, max_body_bytes=10_000))) as client:
        big = "word " * 5_000
        declared = client.post("/api/briefings", json={"text": big})
        assert declared.status_code == 413
        assert "10000 bytes" in declared.json()["detail"]

        def chunks() -> Iterator[bytes]:  # no Content-Length: only counting can catch it
            yield b'{"text": "'
            for _ in range(50):
                yield b"x" * 1_000
            yield b'"}'

        streamed = client.post(
            "/api/briefings", content=chunks(), headers={"Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        upload = client.post("/", files={"file": ("big.txt", big.encode(), "text/plain")})
        assert upload.status_code == 413
        assert client.post("/api/briefings", json={"text": ARTICLE}).status_code == 202


def test_submissions_are_rate_limited_per_client(tmp_path):
    settings = settings_for(tmp_path, rate_limit=2, rate_window=60.0)
    with TestClient(create_app(settings)) as client:
        assert client.post("/api/briefings", json={"text": ARTICLE}).status_code == 202
        assert (
            client.post("/", data={"text": ARTICLE, "seed": "5"}, follow_redirects=False).status_code == 303
        )
        limited = client.post("/api/briefings", json={"text": ARTICLE, "seed": 9})
        assert limited.status_code == 429
        assert 0 < int(limited.headers["retry-after"]) <= 60
        form = client.post("/", data={"text": ARTICLE})
        assert form.status_code == 429 and form.headers["content-type"].startswith("text/html")
        assert client.get("/api/archive").status_code == 200  # reading is not limited


def test_rate_limiter_window_slides():
    now = [0.0]
    limiter = RateLimiter(2, 10.0, clock=lambda: now[0])
    assert limiter.hit("a") is None and limiter.hit("a") is None
    assert limiter.hit("a") == pytest.approx(10.0)
    assert limiter.hit("b") is None  # per client
    now[0] = 10.5
    assert limiter.hit("a") is None


# -- DNS rebinding, cross-site posts, token guessing, forwarded addresses ------------------


def test_a_host_not_on_the_allow_list_is_refused(tmp_path):
    with TestClient(create_app(settings_for(tmp_path))) as client:
        # A page on evil.example, its name rebound to 127.0.0.1, reaches the socket with its own Host.
        assert client.get("/api/archive", headers={"Host": "evil.example"}).status_code == 400
        assert client.get("/", headers={"Host": "evil.example:8000"}).status_code == 400
        refused = client.post("/api/briefings", json={"text": ARTICLE}, headers={"Host": "evil.example"})
        assert refused.status_code == 400
        for host in ("localhost:8000", "127.0.0.1", "[::1]:8000", "LOCALHOST"):
            assert client.get("/api/archive", headers={"Host": host}).status_code == 200, host
    with TestClient(create_app(settings_for(tmp_path, allowed_hosts=("*.example.org",)))) as client:
        assert client.get("/api/archive", headers={"Host": "news.example.org"}).status_code == 200
        assert client.get("/api/archive", headers={"Host": "example.org.evil.test"}).status_code == 400


def test_serve_allows_its_own_address_and_configured_names(monkeypatch):
    monkeypatch.setenv("BRIEFWIRE_ALLOWED_HOSTS", "intranet.example, Other.Example")
    hosts = WebSettings.allowed_hosts_for("192.168.1.5", ["news.example"])
    assert hosts == (*LOCAL_HOSTS, "192.168.1.5", "intranet.example", "other.example", "news.example")
    assert WebSettings.allowed_hosts_for("0.0.0.0")[: len(LOCAL_HOSTS) + 1] == (
        *LOCAL_HOSTS,
        "intranet.example",
    )
    assert "[fe80::1]" in WebSettings.allowed_hosts_for("fe80::1")


def test_posts_from_an_origin_not_on_the_allow_list_are_refused(tmp_path):
    with TestClient(create_app(settings_for(tmp_path))) as client:
        body = {"json": {"text": ARTICLE}}
        # The Host is ours, so only the Origin tells the request came from another site's page.
        for origin in (
            "http://evil.example",
            "null",
            "http://localhost:9999",
            "http://testserver.evil.example",
        ):
            refused = client.post("/api/briefings", headers={"Origin": origin}, **body)
            assert refused.status_code == 403, origin
        assert (
            client.post("/", data={"text": ARTICLE}, headers={"Origin": "http://evil.example"}).status_code
            == 403
        )
        # Our own pages, under any name on the list and the port the request came to.
        for origin in ("http://testserver", "http://localhost"):
            assert client.post("/api/briefings", headers={"Origin": origin}, **body).status_code == 202
        assert client.post("/api/briefings", **body).status_code == 202  # curl sends no Origin


def test_wrong_bearer_tokens_count_toward_the_login_limit(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, token=TOKEN))) as client:
        wrong = {"Authorization": "Bearer guess"}
        for _ in range(10):
            assert client.get("/api/archive", headers=wrong).status_code == 401
        limited = client.get("/api/archive", headers=wrong)
        assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
        # Once over the limit, even the right token is not compared, so guessing cannot go on...
        good = {"Authorization": f"Bearer {TOKEN}"}
        assert client.get("/api/archive", headers=good).status_code == 429
        # ...and the login form shares the limit.
        assert client.post("/login", data={"token": TOKEN, "next": "/"}).status_code == 429
    with TestClient(create_app(settings_for(tmp_path / "other", token=TOKEN))) as client:
        for _ in range(20):  # the right token, and no token at all, are not guesses
            assert client.get("/api/archive", headers={"Authorization": f"Bearer {TOKEN}"}).status_code == 200
            assert client.get("/api/archive").status_code == 401


def test_a_spoofed_forwarded_address_does_not_dodge_the_rate_limit(tmp_path):
    settings = settings_for(tmp_path, rate_limit=2, rate_window=60.0)
    with TestClient(create_app(settings), client=("127.0.0.1", 50000)) as client:
        codes = [
            client.post(
                "/api/briefings",
                json={"text": ARTICLE, "seed": n},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            ).status_code
            for n in range(3)
        ]
        assert codes == [202, 202, 429]
    # The same through the real server (uvicorn on its own would believe the header from loopback).
    with served(tmp_path / "live", rate_limit=2) as (_, http):
        spoofed = [
            http.post(
                "/api/briefings",
                json={"text": ARTICLE, "seed": n},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            )
            for n in range(3)
        ]
        assert [r.status_code for r in spoofed] == [202, 202, 429]
    # From a configured proxy, the header names the client: each is limited on its own.
    proxied = settings_for(
        tmp_path / "proxied", rate_limit=2, rate_window=60.0, trusted_proxies=("127.0.0.1",)
    )
    with TestClient(create_app(proxied), client=("127.0.0.1", 50000)) as client:
        for n in range(3):
            response = client.post(
                "/api/briefings",
                json={"text": ARTICLE, "seed": n},
                headers={"X-Forwarded-For": f"10.0.0.{n}"},
            )
            assert response.status_code == 202


# -- SSRF ------------------------------------------------------------------------------


@contextmanager
def http_server(host: str, handler: type[http.server.BaseHTTPRequestHandler]) -> Iterator[str]:
    server = http.server.ThreadingHTTPServer((host, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


class ArticleHandler(http.server.BaseHTTPRequestHandler):
    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        ArticleHandler.hits.append(self.path)
        body = ARTICLE.encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


def test_loopback_urls_are_refused_unless_allowed(tmp_path):
    ArticleHandler.hits = []
    with http_server("127.0.0.1", ArticleHandler) as base:
        with TestClient(create_app(settings_for(tmp_path))) as client:
            refused = client.post("/api/briefings", json={"url": f"{base}/story"})
            assert refused.status_code == 400
            assert "127.0.0.1 is loopback, not a public address" in refused.json()["detail"]
            form = client.post("/", data={"url": f"{base}/story"})
            assert form.status_code == 400 and "loopback" in form.text
        assert ArticleHandler.hits == []

        with TestClient(create_app(settings_for(tmp_path / "open", allow_private_urls=True))) as client:
            accepted = client.post("/api/briefings", json={"url": f"{base}/story"})
            assert accepted.status_code == 202
            job = wait_for_job(client, accepted.json()["id"])
            assert job["status"] == "done" and job["title"] == "Harbour strike enters third day"
        assert ArticleHandler.hits == ["/story"]


def test_dns_answers_and_redirects_into_the_network_are_refused(tmp_path, monkeypatch):
    ArticleHandler.hits = []
    real_getaddrinfo = socket.getaddrinfo
    fake_dns = {"evil.test": "127.0.0.1", "public.test": "127.0.0.2", "inside.test": "10.1.2.3"}

    def getaddrinfo(host, port, *args, **kwargs):
        if host in fake_dns:
            return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (fake_dns[host], port))]
        return real_getaddrinfo(host, port, *args, **kwargs)

    # "public.test" plays a public web server (on 127.0.0.2) that redirects into loopback.
    real_forbidden = fetch._forbidden_kind
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(
        fetch,
        "_forbidden_kind",
        lambda ip: None if ip == ipaddress.ip_address("127.0.0.2") else real_forbidden(ip),
    )

    with http_server("127.0.0.1", ArticleHandler) as inside:
        port = inside.rsplit(":", 1)[1]

        class Redirect(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                self.send_response(302)
                self.send_header("Location", f"{inside}/secret")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        with (
            http_server("127.0.0.2", Redirect) as outside,
            TestClient(create_app(settings_for(tmp_path))) as client,
        ):
            for host, kind in (("evil.test", "loopback"), ("inside.test", "private")):
                response = client.post("/api/briefings", json={"url": f"http://{host}:{port}/secret"})
                assert response.status_code == 400
                assert f"is {kind}, not a public address" in response.json()["detail"]
            redirected = client.post(
                "/api/briefings", json={"url": f"http://public.test:{outside.rsplit(':', 1)[1]}/story"}
            )
            assert redirected.status_code == 400
            detail = redirected.json()["detail"]
            assert "redirected from" in detail and "127.0.0.1 is loopback" in detail
    assert ArticleHandler.hits == []  # the inside server was never reached


# -- escaping --------------------------------------------------------------------------

ATTACKS = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<div onmouseover="alert(1)">hover</div>',
    "</span></p><svg onload=alert(1)>",
    '" onfocus="alert(1)" x="',
]
HOSTILE = (
    "Council approves harbour budget\n\n"
    + " ".join(f"Witness {i} wrote {attack} in the minutes." for i, attack in enumerate(ATTACKS))
    + "\n\nThe vote was held on Monday. Critics said the process was rushed."
)


def assert_inert(html: str, *, allowed_scripts: int = 0) -> lxml.html.HtmlElement:
    """No element or attribute from the article may be live markup."""
    doc = lxml.html.fromstring(html)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        assert element.tag not in ("img", "svg", "iframe", "object", "embed"), lxml.html.tostring(element)
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), (element.tag, name, value)
            if name in ("href", "src", "action", "formaction"):
                assert not value.strip().lower().startswith(("javascript:", "data:")), value
    scripts = [s for s in doc.iter("script") if s.get("type") != "application/json"]
    assert len(scripts) <= allowed_scripts
    for script in scripts:
        assert "alert" not in (script.text or ""), script.text
    for data in doc.xpath("//script[@type='application/json']"):
        json.loads(data.text)  # the JSON stays one intact, parseable block
    return doc


def test_article_markup_never_becomes_live_html(tmp_path):
    with TestClient(create_app(settings_for(tmp_path, brief_fn=StandIn()))) as client:
        response = client.post("/api/briefings", json={"text": HOSTILE, "title": ATTACKS[1]})
        job = wait_for_job(client, response.json()["id"])
        assert job["status"] == "done", job
        bid = job["briefing_id"]

        page = client.get(f"/briefings/{bid}")
        assert "script-src 'self'" in page.headers["content-security-policy"]
        doc = assert_inert(page.text, allowed_scripts=1)
        assert [s.get("src") for s in doc.iter("script")] == ["/static/app.js"]
        text = doc.text_content()
        for attack in ATTACKS[:4]:  # the sentences the stand-in puts in the briefing
            assert attack in text  # shown, as text
        # A javascript: link written by the model is dropped, not linked.
        assert "javascript:alert(1)" not in [a.get("href") for a in doc.iter("a")]

        for url in (f"/jobs/{response.json()['id']}", "/archive", "/archive?q=witness"):
            assert_inert(client.get(url).text, allowed_scripts=1)
        standalone = client.get(f"/briefings/{bid}.html")
        assert "default-src 'none'" in standalone.headers["content-security-policy"]
        assert_inert(standalone.text, allowed_scripts=1)
