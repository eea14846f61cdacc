"""Ingestion: files, stdin, URLs (through a local server), the SSRF guard, batches, truncation."""

from __future__ import annotations

import codecs
import contextlib
import io
import ipaddress
import json
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from briefwire.errors import InputError
from briefwire.ingest import (
    FetchedPage,
    InputItem,
    fetch_url,
    iter_inputs,
    load_article,
    truncate_to_budget,
)
from briefwire.ingest import fetch as fetch_module
from briefwire.ingest.items import short_hash, slugify, unique_ids, url_slug
from briefwire.model import Article

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>Rotterdam dockers strike over automation | Harbour Gazette</title>
  <meta name="author" content="Marta Visser">
  <meta property="article:published_time" content="2024-03-14T08:30:00Z">
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/business">Business</a></nav>
  <main><article>
    <h1>Rotterdam dockers strike over automation</h1>
    <p class="byline">By Marta Visser</p>
    <p>Dock workers at the Port of Rotterdam began a 48-hour strike on Thursday, halting container
    traffic at three terminals after talks over automated cranes collapsed late on Wednesday night.</p>
    <p>The FNV Havens union said 2,400 members had joined the action, the largest stoppage at the port
    since 2016. Shipping lines warned of delays of up to a week for cargo bound for Germany.</p>
    <p>"We are not against new technology, but we will not accept that it is used to push experienced
    people out of their jobs," said union negotiator Niek Stam.</p>
  </article></main>
  <footer><p>Copyright 2024 Harbour Gazette. All rights reserved.</p>
  <p>Subscribe to our newsletter</p></footer>
</body>
</html>
"""

LONG_ENTRY = " ".join(
    f"Sentence {i} of the feed entry reports that the harbour authority counted {i * 10} ships."
    for i in range(8)
)


def rss_feed(base: str) -> str:
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"
     xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel><title>Harbour Gazette</title><link>{base}/</link><description>News</description>
  <item>
    <title>Full story in the feed</title>
    <link>{base}/full-story</link>
    <guid>{base}/news/2025/03/full-story</guid>
    <dc:creator>Ana Lopes</dc:creator>
    <pubDate>Mon, 03 Mar 2025 08:00:00 GMT</pubDate>
    <description>Short teaser.</description>
    <content:encoded><![CDATA[<p>{LONG_ENTRY}</p>
      <p>A second <b>paragraph</b> follows.</p>]]></content:encoded>
  </item>
  <item>
    <title>Teaser only, full text on the site</title>
    <link>{base}/article.html</link>
    <guid isPermaLink="false">teaser-1</guid>
    <description>Dockers walk out.</description>
  </item>
  <item>
    <title>Teaser with a dead link</title>
    <link>{base}/missing</link>
    <guid isPermaLink="false">teaser-2</guid>
    <description>Read more on our site.</description>
  </item>
  <item>
    <title>Same guid again</title>
    <guid isPermaLink="false">teaser-1</guid>
    <description>{LONG_ENTRY}</description>
  </item>
</channel></rss>
"""


ATOM_FEED = f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Summit Wire</title>
  <id>tag:example.org,2025:feed</id>
  <updated>2025-05-15T12:00:00Z</updated>
  <entry>
    <title>Leaders sign water pact</title>
    <id>tag:example.org,2025:summit-1</id>
    <updated>2025-05-15T12:00:00Z</updated>
    <author><name>Dana Ibrayeva</name></author>
    <content type="html">&lt;p&gt;{LONG_ENTRY}&lt;/p&gt;</content>
  </entry>
  <entry>
    <title>No text, no link</title>
    <id>tag:example.org,2025:empty</id>
    <updated>2025-05-15T12:00:00Z</updated>
  </entry>
</feed>
"""


def json_feed(base: str) -> str:
    """A JSON Feed 1.1 with what readers meet: HTML and plain content, a relative teaser link,
    a 1.0-style author and numeric id, an item with no id or link, and an invalid item."""
    items = [
        {
            "id": f"{base}/?p=101",
            "url": f"{base}/full-story",
            "title": "Full story in the feed",
            "content_html": f"<p>{LONG_ENTRY}</p><p>A second <b>paragraph</b> follows.</p>",
            "content_text": "A shorter plain version.",
            "date_published": "2025-03-03T08:00:00Z",
            "authors": [{"name": "Ana Lopes"}, {"name": "Ben Okafor"}],
        },
        {
            "id": f"{base}/?p=102",
            "url": "/article.html",
            "title": "Teaser only",
            "summary": "Dockers walk out.",
        },
        {
            "id": 7,
            "content_text": LONG_ENTRY,
            "author": {"name": "Old Style"},
            "date_published": "2025-03-04T23:30:00-05:00",
        },
        {"content_text": "A few words, and nothing to fetch."},
        {"id": "bad", "title": ["not", "a", "string"]},
    ]
    return json.dumps(
        {"items": items, "version": "https://jsonfeed.org/version/1.1", "home_page_url": f"{base}/"}
    )


@dataclass
class Site:
    """A local web server with a few routes, recording what it was asked for."""

    port: int
    requests: list[tuple[str, str]] = field(default_factory=list)  # (path, Host header)
    huge_bytes_sent: int = 0

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"


class _Handler(BaseHTTPRequestHandler):
    site: Site  # set on the subclass made per server

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def _redirect(self, location: str) -> None:
        self._send(302, b"", "text/plain", Location=location)

    def do_GET(self) -> None:
        site = self.site
        site.requests.append((self.path, self.headers.get("Host", "")))
        path = self.path
        if path == "/article.html":
            self._send(200, ARTICLE_HTML.encode(), "text/html; charset=utf-8")
        elif path == "/latin1.txt":
            body = "Zürich café prices rose 5% in March.\n\nThe rise surprised economists.".encode("latin-1")
            self._send(200, body, "text/plain; charset=iso-8859-1")
        elif path == "/feed.xml":
            self._send(200, rss_feed(site.url("")).encode(), "application/rss+xml")
        elif path in ("/feed.json", "/feed-as-plain-json"):
            media_type = "application/feed+json" if path == "/feed.json" else "application/json"
            self._send(200, json_feed(site.url("")).encode(), media_type)
        elif path == "/missing":
            self._send(404, b"not here", "text/plain")
        elif path == "/broken":
            self._send(500, b"oops", "text/plain")
        elif path.startswith("/redirect/"):
            remaining = int(path.rsplit("/", 1)[1])
            self._redirect(f"/redirect/{remaining - 1}" if remaining > 1 else "/article.html")
        elif path == "/image.png":
            self._send(200, b"\x89PNG\r\n\x1a\n" + bytes(64), "image/png")
        elif path == "/huge-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", "50000000")
            self.end_headers()
        elif path == "/huge":
            self._stream_forever()
        elif path == "/slow":
            time.sleep(3)
            with contextlib.suppress(OSError):  # the client gave up long ago
                self._send(200, b"too late", "text/plain")
        elif path == "/to-metadata":
            self._redirect("http://169.254.169.254/latest/meta-data/")
        elif path == "/to-loopback":
            self._redirect(f"http://127.0.0.2:{site.port}/article.html")
        else:
            self._send(404, b"", "text/plain")

    def _stream_forever(self) -> None:
        # No Content-Length: only the client's own byte count can stop this body.
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        chunk = b"harbour " * 8192
        try:
            while self.site.huge_bytes_sent < 50_000_000:
                self.wfile.write(chunk)
                self.site.huge_bytes_sent += len(chunk)
        except OSError:
            pass  # the client hung up, as it should


@pytest.fixture(scope="module")
def _server() -> Iterator[Site]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    server.daemon_threads = True
    site = Site(port=server.server_address[1])
    server.RequestHandlerClass = type("Handler", (_Handler,), {"site": site})
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield site
    server.shutdown()
    server.server_close()


@pytest.fixture
def site(_server: Site) -> Site:
    _server.requests.clear()
    return _server


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write(path: Path, content: str | bytes) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return str(path)


# --- files and stdin ---------------------------------------------------------------------------


def test_plain_text_headline_becomes_title_and_paragraphs_are_kept(tmp_path: Path) -> None:
    source = write(
        tmp_path / "harbour-strike.txt",
        "Dockers strike in Antwerp\n\nWorkers walked out on Monday.\nThe port is closed.\n\n\n"
        "Talks resume on Thursday.\n",
    )
    article = load_article(source)
    assert article.title == "Dockers strike in Antwerp"
    # The hard-wrapped first paragraph is joined; the triple newline becomes one blank line.
    assert article.text == "Workers walked out on Monday. The port is closed.\n\nTalks resume on Thursday."
    assert article.id == "harbour-strike"
    assert article.warnings == []


def test_first_line_that_ends_a_sentence_is_not_a_title(tmp_path: Path) -> None:
    source = write(tmp_path / "a.txt", "Workers walked out on Monday.\n\nTalks resume on Thursday.")
    article = load_article(source)
    assert article.title is None
    assert article.text.startswith("Workers walked out on Monday.")


def test_a_question_set_apart_by_a_blank_line_is_a_title(tmp_path: Path) -> None:
    text = "Will the Budget bring out smiling voters?\n\nAs Oliver Letwin said, any chancellor would."
    assert load_article(write(tmp_path / "a.txt", text)).title == "Will the Budget bring out smiling voters?"
    # A question that runs into the text, or is a sentence of a paragraph, is no title.
    for body in ("What next?\nThe council met on Monday.", "Why? Because it rained.\n\nThe port shut."):
        assert load_article(write(tmp_path / "b.txt", body)).title is None


def test_markdown_heading_is_title_and_markup_is_removed(tmp_path: Path) -> None:
    source = write(
        tmp_path / "note.md",
        "# Port **strike** ends\n\nUnions and operators *agreed* a deal, [the port](https://example.com) "
        "said.\n\n## Background\n\n- Pay rises 6.5%\n- No redundancies\n",
    )
    article = load_article(source)
    assert article.title == "Port strike ends"
    assert article.text.split("\n\n") == [
        "Unions and operators agreed a deal, the port said.",
        "Background",
        "Pay rises 6.5%",
        "No redundancies",
    ]


def test_html_file_extracts_title_author_date_and_main_text(tmp_path: Path) -> None:
    article = load_article(write(tmp_path / "rotterdam.html", ARTICLE_HTML))
    assert article.title == "Rotterdam dockers strike over automation"
    assert article.author == "Marta Visser"
    assert article.date == "2024-03-14"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("Dock workers at the Port of Rotterdam began a 48-hour strike")
    assert paragraphs[-1].endswith("said union negotiator Niek Stam.")
    assert "Subscribe" not in article.text and "Business" not in article.text
    assert article.title not in article.text  # the <h1> is not repeated as the first paragraph


def test_html_is_sniffed_without_an_html_extension(tmp_path: Path) -> None:
    article = load_article(write(tmp_path / "saved.txt", ARTICLE_HTML))
    assert article.author == "Marta Visser"
    assert "<p>" not in article.text


def test_html_meta_charset_is_honoured(tmp_path: Path) -> None:
    page = ARTICLE_HTML.replace('charset="utf-8"', 'charset="iso-8859-1"').replace("Niek Stam", "Niek Stäm")
    article = load_article(write(tmp_path / "latin.html", page.encode("latin-1")))
    assert "Niek Stäm" in article.text
    assert article.warnings == []


def test_stdin_is_read_when_source_is_dash() -> None:
    article = load_article("-", stdin=io.BytesIO(b"Strike ends\n\nThe dockers returned to work."))
    assert (article.id, article.title, article.text) == (
        "stdin",
        "Strike ends",
        "The dockers returned to work.",
    )


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"Cranes idle at the port today.")))
    assert load_article("-").text == "Cranes idle at the port today."


@pytest.mark.parametrize(
    ("encoding", "raw", "expected"),
    [
        (
            "cp1252",
            "Café prices rose 5% – a “surprise”.".encode("cp1252"),
            "Café prices rose 5% – a “surprise”.",
        ),
        # 0x81 is unassigned in cp1252, so only latin-1 can decode this one.
        # (the C1 control character it decodes to is then dropped from the text).
        ("latin-1", b"Caf\xe9 \x81prices rose.", "Café prices rose."),
    ],
)
def test_non_utf8_text_falls_back_with_a_warning(
    tmp_path: Path, encoding: str, raw: bytes, expected: str
) -> None:
    article = load_article(write(tmp_path / "input.txt", raw))
    assert article.text == expected
    assert article.warnings == [f"{tmp_path / 'input.txt'} is not valid UTF-8; decoded as {encoding}"]


@pytest.mark.parametrize(
    "raw", [codecs.BOM_UTF8 + "Zürich".encode(), codecs.BOM_UTF16_LE + "Zürich".encode("utf-16-le")]
)
def test_byte_order_marks_are_decoded_without_warning(tmp_path: Path, raw: bytes) -> None:
    article = load_article(write(tmp_path / "bom.txt", raw))
    assert (article.text, article.warnings) == ("Zürich", [])


def test_missing_file(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.txt")
    with pytest.raises(InputError, match=re.escape(f"Input file {missing} does not exist.")):
        load_article(missing)


def test_directory_instead_of_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="is a directory, not an article file") as info:
        load_article(str(tmp_path))
    assert str(tmp_path) in str(info.value)


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n  "])
def test_empty_or_whitespace_file(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(InputError, match=r"empty\.txt is empty or contains only whitespace"):
        load_article(write(tmp_path / "empty.txt", content))


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(100),  # NUL bytes
        bytes(range(1, 9)) * 50 + b"some text",  # control characters, no NUL
    ],
)
def test_binary_data_is_refused(tmp_path: Path, content: bytes) -> None:
    with pytest.raises(InputError, match=r"blob\.txt looks like binary data"):
        load_article(write(tmp_path / "blob.txt", content))


def test_html_without_article_text(tmp_path: Path) -> None:
    page = "<!doctype html><html><head><title>App</title></head><body><div id=root></div>"
    page += "<noscript>Enable JavaScript.</noscript><script>start()</script></body></html>"
    with pytest.raises(InputError, match=r"No article text could be extracted from the HTML in .*app\.html"):
        load_article(write(tmp_path / "app.html", page))


def test_file_over_the_byte_limit(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"big\.txt is larger than the limit of 100 bytes"):
        load_article(write(tmp_path / "big.txt", "word " * 100), max_bytes=100)


@pytest.mark.parametrize("name", ["feed.xml", "feed.json"])
def test_feed_given_as_a_single_article(tmp_path: Path, name: str) -> None:
    content = ATOM_FEED if name.endswith(".xml") else json_feed("https://example.org")
    with pytest.raises(InputError, match=r"is a news feed \(RSS, Atom or JSON Feed\), not an article"):
        load_article(write(tmp_path / name, content))


def test_json_that_is_not_a_feed_is_not_an_article(tmp_path: Path) -> None:
    # Read as text it once gave the briefing the headline "{".
    with pytest.raises(InputError, match=r"data\.json is JSON data, not an article\."):
        load_article(
            write(tmp_path / "data.json", '{\n"title": "Port strike",\n"text": "Dockers walked out."\n}')
        )


# --- URLs ---------------------------------------------------------------------------------------


def test_url_html_page(site: Site) -> None:
    article = load_article(site.url("/article.html"))
    assert article.title == "Rotterdam dockers strike over automation"
    assert article.url == site.url("/article.html")
    assert article.id == "127.0.0.1-article"
    assert "2,400 members" in article.text


def test_url_declared_charset_is_used(site: Site) -> None:
    article = load_article(site.url("/latin1.txt"))
    assert article.text == "Zürich café prices rose 5% in March.\n\nThe rise surprised economists."
    assert article.warnings == []


def test_redirects_up_to_the_limit_are_followed(site: Site) -> None:
    page = fetch_url(site.url("/redirect/5"), allow_private=True, timeout=5, max_bytes=100_000)
    assert page.final_url == site.url("/article.html")
    assert page.content_type == "text/html" and page.charset == "utf-8"
    assert len(site.requests) == 6  # 5 redirects, then the page


def test_too_many_redirects(site: Site) -> None:
    url = site.url("/redirect/6")
    with pytest.raises(
        InputError, match=re.escape(f"Too many redirects (more than 5) while fetching {url}.")
    ):
        load_article(url)
    assert len(site.requests) == 6  # it stopped instead of asking for the 7th hop


@pytest.mark.parametrize(
    ("path", "status"), [("/missing", "404 Not Found"), ("/broken", "500 Internal Server Error")]
)
def test_http_error_status(site: Site, path: str, status: str) -> None:
    with pytest.raises(InputError, match=re.escape(f"{site.url(path)} returned HTTP {status}.")):
        load_article(site.url(path))


def test_non_text_content_type(site: Site) -> None:
    with pytest.raises(InputError, match=r"image\.png has content type image/png, which is not text or HTML"):
        load_article(site.url("/image.png"))


def test_declared_oversize_body_is_refused_before_reading(site: Site) -> None:
    with pytest.raises(InputError, match="is larger than the limit of 1,000 bytes"):
        load_article(site.url("/huge-declared"), max_bytes=1000)


def test_streamed_oversize_body_stops_early(site: Site) -> None:
    site.huge_bytes_sent = 0
    with pytest.raises(InputError, match=r"/huge is larger than the limit of 100,000 bytes"):
        load_article(site.url("/huge"), max_bytes=100_000)
    time.sleep(0.2)  # let the server notice the hang-up
    assert site.huge_bytes_sent < 25_000_000  # the 50 MB body was not read to the end


def test_timeout(site: Site) -> None:
    with pytest.raises(InputError, match=r"Fetching .*/slow timed out after 0\.5 seconds"):
        load_article(site.url("/slow"), timeout=0.5)


def test_connection_refused() -> None:
    url = f"http://127.0.0.1:{unused_port()}/article"
    with pytest.raises(InputError, match=re.escape(f"Could not connect to {url} (")):
        load_article(url)


@pytest.mark.parametrize("allow_private", [True, False])
def test_unresolvable_host(monkeypatch: pytest.MonkeyPatch, allow_private: bool) -> None:
    def no_dns(*args: object, **kwargs: object) -> list[object]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(
        InputError,
        match=re.escape("Could not resolve the host name news.invalid while fetching http://news.invalid/a."),
    ):
        load_article("http://news.invalid/a", allow_private=allow_private)


@pytest.mark.parametrize("url", ["ftp://example.com/story.txt", "file:///etc/passwd"])
def test_only_http_and_https(url: str) -> None:
    with pytest.raises(InputError, match="only http and https URLs are supported"):
        load_article(url)


# --- SSRF guard ---------------------------------------------------------------------------------


def test_guard_refuses_loopback_before_connecting(site: Site) -> None:
    url = site.url("/article.html")
    with pytest.raises(
        InputError,
        match=re.escape(f"Refusing to fetch {url}: address 127.0.0.1 is loopback, not a public address."),
    ):
        fetch_url(url, allow_private=False, timeout=5, max_bytes=100_000)
    assert site.requests == []


@pytest.mark.parametrize(
    ("url", "address", "kind"),
    [
        ("http://localhost:8080/", "127.0.0.1", "loopback"),
        ("http://2130706433/", "127.0.0.1", "loopback"),  # 127.0.0.1 written as one number
        ("http://[::1]/", "::1", "loopback"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:7f00:1", "loopback"),  # IPv4-mapped IPv6
        ("http://10.0.0.8/admin", "10.0.0.8", "private"),
        ("https://192.168.1.1/", "192.168.1.1", "private"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "link-local"),
        ("http://[fe80::1]/", "fe80::1", "link-local"),
        ("http://224.0.0.1/", "224.0.0.1", "multicast"),
        ("http://240.0.0.1/", "240.0.0.1", "reserved"),
        ("http://0.0.0.0/", "0.0.0.0", "unspecified"),
        ("http://100.64.0.1/", "100.64.0.1", "not publicly routable"),
    ],
)
def test_guard_refuses_non_public_addresses(url: str, address: str, kind: str) -> None:
    with pytest.raises(
        InputError, match=f"^Refusing to fetch {re.escape(url)}: address {re.escape(address)} is {kind}, "
    ):
        fetch_url(url, allow_private=False, timeout=2, max_bytes=1000)


def test_guard_checks_every_resolved_address(monkeypatch: pytest.MonkeyPatch) -> None:
    answers = [ipaddress.ip_address("93.184.216.34"), ipaddress.ip_address("10.1.2.3")]
    monkeypatch.setattr(fetch_module, "_resolve", lambda host, port: answers)
    with pytest.raises(InputError, match=re.escape("address 10.1.2.3 is private")):
        fetch_url("http://mixed.example/", allow_private=False, timeout=2, max_bytes=1000)


@pytest.fixture
def loopback_is_public(monkeypatch: pytest.MonkeyPatch, site: Site) -> Site:
    """Let the guard treat 127.0.0.1 (the test server) as a public address and news.example as
    a name for it, so a "public" first hop can be served locally; every other address keeps
    the real rules."""
    real_kind = fetch_module._forbidden_kind
    monkeypatch.setattr(
        fetch_module, "_forbidden_kind", lambda ip: None if str(ip) == "127.0.0.1" else real_kind(ip)
    )
    real_resolve = fetch_module._resolve
    fake = [ipaddress.ip_address("127.0.0.1")]
    monkeypatch.setattr(
        fetch_module,
        "_resolve",
        lambda host, port: fake if host == "news.example" else real_resolve(host, port),
    )
    return site


@pytest.mark.parametrize(
    ("path", "address", "kind"),
    [("/to-metadata", "169.254.169.254", "link-local"), ("/to-loopback", "127.0.0.2", "loopback")],
)
def test_guard_checks_every_redirect_hop(
    loopback_is_public: Site, path: str, address: str, kind: str
) -> None:
    site = loopback_is_public
    url = site.url(path)
    with pytest.raises(InputError, match=re.escape(f"address {address} is {kind}")) as info:
        fetch_url(url, allow_private=False, timeout=5, max_bytes=100_000)
    assert f"(redirected from {url})" in str(info.value)
    assert [p for p, _ in site.requests] == [path]  # the first hop was fetched, the second never


def test_guard_connects_to_the_checked_address_with_the_original_host_name(loopback_is_public: Site) -> None:
    site = loopback_is_public
    url = f"http://news.example:{site.port}/article.html"
    page = fetch_url(url, allow_private=False, timeout=5, max_bytes=100_000)
    assert isinstance(page, FetchedPage)
    assert (page.url, page.final_url) == (url, url)
    assert site.requests == [("/article.html", f"news.example:{site.port}")]


# --- batch inputs -------------------------------------------------------------------------------


def ok(items: list[InputItem]) -> dict[str, Article]:
    return {item.id: item.article for item in items if item.article is not None}


def test_folder_is_walked_recursively_in_order_with_safe_unique_ids(tmp_path: Path) -> None:
    write(tmp_path / "world" / "europe" / "strike.txt", "Strike\n\nDockers walked out.")
    write(tmp_path / "top.md", "# Top story\n\nMarkets rose.")
    write(tmp_path / "page.html", ARTICLE_HTML)
    write(tmp_path / "dup.txt", "One of two files named dup.")
    write(tmp_path / "dup.htm", ARTICLE_HTML)
    write(tmp_path / "empty.txt", "   ")
    write(tmp_path / "report.pdf", b"%PDF-1.7")
    write(tmp_path / ".git" / "notes.txt", "Hidden folders are skipped.")
    items = list(iter_inputs(str(tmp_path)))
    dup_txt = f"dup-{short_hash(str(tmp_path / 'dup.txt'))}"  # after its own path, not its place
    assert [item.id for item in items] == ["dup", dup_txt, "empty", "page", "top", "world__europe__strike"]
    assert items[2].article is None and "is empty" in (items[2].error or "")
    articles = ok(items)
    assert articles[dup_txt].id == dup_txt  # the article carries the renamed id too
    assert articles["world__europe__strike"].text == "Dockers walked out."
    assert articles["top"].title == "Top story"


def test_folder_without_articles(tmp_path: Path) -> None:
    write(tmp_path / "data.csv", "a,b")
    with pytest.raises(InputError, match=re.escape("contains no .txt, .md, .html or .htm files.")):
        iter_inputs(str(tmp_path))


def test_missing_spec_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="does not exist"):
        iter_inputs(str(tmp_path / "nowhere"))


def test_jsonl_bad_lines_become_error_items(tmp_path: Path, site: Site) -> None:
    lines = [
        json.dumps(
            {"id": "a/1", "text": "First story.\n\nSecond paragraph.", "title": "A", "date": "2025-01-02"}
        ),
        json.dumps({"id": "html", "html": ARTICLE_HTML, "url": "https://example.com/rotterdam"}),
        json.dumps({"text": "No id on this line."}),
        "{not json",
        "",
        json.dumps(["a", "list"]),
        json.dumps({"id": "nothing", "title": "Only a title"}),
        json.dumps({"id": "a/1", "text": "Same id as the first line."}),
        json.dumps({"id": "fetched", "url": site.url("/article.html")}),
        json.dumps({"id": "local", "url": "file:///etc/passwd"}),
    ]
    spec = write(tmp_path / "batch.jsonl", "\n".join(lines) + "\n")
    items = list(iter_inputs(spec))
    ids = [item.id for item in items]
    assert ids == ["a-1", "html", "line-3", "line-4", "line-6", "nothing", "a-1-2", "fetched", "local"]
    errors = {item.id: item.error for item in items if item.error}
    assert set(errors) == {"line-4", "line-6", "nothing", "local"}
    assert errors["line-4"].startswith(f"{spec} line 4 is not valid JSON")
    assert errors["line-6"] == f"{spec} line 6 is not a JSON object."
    assert "none of the fields text, html or url" in errors["nothing"]
    assert "not an http or https URL" in errors["local"]
    articles = ok(items)
    assert articles["a-1"].text == "First story.\n\nSecond paragraph."
    assert (articles["a-1"].title, articles["a-1"].date) == ("A", "2025-01-02")
    assert (
        articles["html"].author == "Marta Visser" and articles["html"].url == "https://example.com/rotterdam"
    )
    assert articles["fetched"].title == "Rotterdam dockers strike over automation"


def test_rss_feed_file(tmp_path: Path, site: Site) -> None:
    items = list(iter_inputs(write(tmp_path / "gazette.rss", rss_feed(site.url("")))))
    assert [item.id for item in items] == [
        "127.0.0.1-news-2025-03-full-story",
        "teaser-1",
        "teaser-2",
        "teaser-1-2",
    ]
    full, teaser, dead, repeated = items
    assert full.article is not None
    assert full.article.text.startswith("Sentence 0 of the feed entry")
    assert full.article.text.endswith("\n\nA second paragraph follows.")
    assert (full.article.title, full.article.author, full.article.date) == (
        "Full story in the feed",
        "Ana Lopes",
        "2025-03-03",
    )
    assert full.article.url == site.url("/full-story")
    # The teaser's link was fetched; the feed's own title wins over the page's.
    assert teaser.article is not None and "2,400 members" in teaser.article.text
    assert teaser.article.title == "Teaser only, full text on the site"
    assert teaser.article.author == "Marta Visser"
    assert dead.article is None and "returned HTTP 404" in (dead.error or "")
    assert repeated.article is not None and repeated.article.url is None
    assert ("/full-story", f"127.0.0.1:{site.port}") not in site.requests  # long entries are not fetched


def test_atom_feed_file(tmp_path: Path) -> None:
    items = list(iter_inputs(write(tmp_path / "wire.xml", ATOM_FEED)))
    assert [item.id for item in items] == ["tag-example.org-2025-summit-1", "tag-example.org-2025-empty"]
    article = items[0].article
    assert article is not None
    assert (article.title, article.author, article.date) == (
        "Leaders sign water pact",
        "Dana Ibrayeva",
        "2025-05-15",
    )
    assert article.text == LONG_ENTRY
    assert items[1].error == "Feed entry tag-example.org-2025-empty has no text and no web link to fetch."


def test_feed_url(site: Site) -> None:
    items = list(iter_inputs(site.url("/feed.xml")))
    assert len(items) == 4 and items[0].article is not None


def test_broken_feed_fails_at_once(tmp_path: Path) -> None:
    with pytest.raises(InputError, match=r"broken\.rss is not a readable RSS or Atom feed"):
        iter_inputs(write(tmp_path / "broken.rss", "Plain words where a feed should be."))


def test_json_feed_file(tmp_path: Path, site: Site) -> None:
    items = list(iter_inputs(write(tmp_path / "gazette.json", json_feed(site.url("")))))
    full, teaser, numbered, bare, bad = items
    assert [full.id, teaser.id, numbered.id] == ["127.0.0.1-p-101", "127.0.0.1-p-102", "7"]
    assert full.article is not None
    assert full.article.text.startswith("Sentence 0 of the feed entry")  # the longer of the two contents
    assert full.article.text.endswith("\n\nA second paragraph follows.")
    assert (full.article.title, full.article.author, full.article.date, full.article.url) == (
        "Full story in the feed",
        "Ana Lopes, Ben Okafor",
        "2025-03-03",
        site.url("/full-story"),
    )
    # The teaser's relative link was resolved against the feed's home page and fetched.
    assert teaser.article is not None and "2,400 members" in teaser.article.text
    assert teaser.article.title == "Teaser only" and teaser.article.url == site.url("/article.html")
    assert numbered.article is not None
    assert (numbered.article.author, numbered.article.date) == ("Old Style", "2025-03-05")  # in UTC
    assert re.fullmatch(r"entry-[0-9a-f]{8}", bare.id) and bare.article is not None
    assert bare.article.warnings == [
        f"feed entry {bare.id} has only 7 words of text and no link to the full article"
    ]
    assert bad.id == "bad" and bad.article is None and "is not a JSON Feed item" in (bad.error or "")


@pytest.mark.parametrize("path", ["/feed.json", "/feed-as-plain-json"])
def test_json_feed_url(site: Site, path: str) -> None:
    items = list(iter_inputs(site.url(path)))
    assert [item.id for item in items][:3] == ["127.0.0.1-p-101", "127.0.0.1-p-102", "7"]


@pytest.mark.parametrize(
    "content",
    [
        '{"version": "https://jsonfeed.org/version/1.1", "items": 3}',
        '{"version": "https://jsonfeed.org/version/1.1", "items": [',
    ],
)
def test_broken_json_feed_fails_at_once(tmp_path: Path, content: str) -> None:
    with pytest.raises(InputError, match=r"feed\.json is not a readable JSON Feed \("):
        iter_inputs(write(tmp_path / "feed.json", content))


def wordpress_rss(entries: list[tuple[str, str | None, str | None]]) -> str:
    """An RSS feed of (title, guid, link) entries, each carrying its full text."""
    items = "".join(
        f"<item><title>{title}</title>"
        + (f'<guid isPermaLink="false">{guid}</guid>' if guid else "")
        + (f"<link>{link}</link>" if link else "")
        + f"<description>{title}. {LONG_ENTRY}</description></item>"
        for title, guid, link in entries
    )
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>{items}</channel></rss>'


def test_feed_ids_come_from_the_entry_and_survive_new_entries(tmp_path: Path) -> None:
    old = [
        ("Harbour reopens", "https://blog.example.com/?p=123", "https://blog.example.com/harbour"),
        ("Ferry cancelled", "https://blog.example.com/?p=124", "https://blog.example.com/ferry"),
        ("Link only", None, "https://blog.example.com/2025/03/link-only/"),
        ("No guid, no link", None, None),
    ]
    new = [("Breaking story", "https://blog.example.com/?p=125", None), *old]

    def ids(entries: list[tuple[str, str | None, str | None]], name: str) -> dict[str, str]:
        items = iter_inputs(write(tmp_path / name, wordpress_rss(entries)))
        return {item.article.title: item.id for item in items if item.article and item.article.title}

    before, after = ids(old, "old.rss"), ids(new, "new.rss")
    assert before["Harbour reopens"] == "blog.example.com-p-123"  # the whole guid, query string too
    assert before["Ferry cancelled"] == "blog.example.com-p-124"
    assert before["Link only"] == "blog.example.com-2025-03-link-only"
    assert re.fullmatch(r"entry-[0-9a-f]{8}", before["No guid, no link"])  # a content hash
    assert len(set(after.values())) == 5
    # A new entry at the top renames nothing, so a rerun neither skips it nor overwrites another.
    assert {title: after[title] for title in before} == before


# --- HTML fixtures, shared with .ci/fresh-install-check ----------------------------------------

HTML_DATA = Path(__file__).resolve().parent / "data" / "html"


def test_news_page_keeps_the_story_and_drops_the_boilerplate() -> None:
    article = load_article(str(HTML_DATA / "news-page.html"))
    assert article.title == "Wind farm approved off the Frisian coast"  # og:title, no site name
    assert (article.author, article.date) == ("Pieter de Boer", "2025-02-11")
    first, *_ = article.text.split("\n\n")
    assert first == "Regulators approve a 1.2-gigawatt project despite objections from fishing groups."
    assert "The national energy regulator approved a 1.2-gigawatt offshore wind farm" in article.text
    assert article.text.endswith("after a final environmental review of the cable route to the mainland.")
    for boilerplate in (
        "cookies",
        "Most read",
        "newsletter",
        "All rights reserved",
        "Advertisement",
        "Share",
    ):
        assert boilerplate not in article.text


def test_malformed_markup_still_gives_the_article() -> None:
    article = load_article(str(HTML_DATA / "malformed.html"))
    assert article.title == "Ferry operator cancels winter crossings"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith(
        "The island ferry operator Northsound Lines cancelled all winter crossings"
    )
    assert "food, fuel & medicine" in article.text  # a bare ampersand survives
    # An unclosed <b> and stray closing tags neither split nor end a paragraph.
    assert any("supply boat from Monday until at least the end of February." in p for p in paragraphs)
    assert "Ingrid Dahl" in article.text and "Print" not in article.text


def test_legacy_table_layout_is_read_through_the_fallback_extractor() -> None:
    article = load_article(str(HTML_DATA / "legacy-table.html"))
    assert article.title == "Island school closes after storm damage"
    paragraphs = article.text.split("\n\n")
    assert paragraphs[0].startswith("The only primary school on Skerry Island will stay closed until Easter")
    # The fallback breaks lines at the unclosed <b>; the sentence is put back together.
    assert "engineers needed at least six weeks to repair the roof" in paragraphs[1]
    assert "Parents' council chair Jonas Lie" in article.text


def test_page_with_almost_no_text_is_an_input_error() -> None:
    with pytest.raises(
        InputError, match=r"No article text could be extracted from the HTML in .*almost-empty"
    ):
        load_article(str(HTML_DATA / "almost-empty.html"))


def test_html_fixtures_as_a_batch_folder() -> None:
    items = {item.id: item for item in iter_inputs(str(HTML_DATA))}
    assert sorted(items) == ["almost-empty", "legacy-table", "malformed", "news-page"]
    assert items["almost-empty"].article is None
    assert all(items[name].article is not None for name in ("legacy-table", "malformed", "news-page"))


def test_single_article_spec_yields_one_item(tmp_path: Path, site: Site) -> None:
    [item] = iter_inputs(write(tmp_path / "one story.txt", "Headline here\n\nBody text."))
    assert item.id == "one-story" and item.article is not None and item.article.title == "Headline here"
    [fetched] = iter_inputs(site.url("/article.html"))
    assert fetched.id == "127.0.0.1-article" and fetched.article is not None
    [bad] = iter_inputs(write(tmp_path / "blank.txt", "\n\n"))
    assert bad.article is None and "is empty" in (bad.error or "")


# No leading dot (hidden, ".."), no trailing dot or dash (dropped on Windows), at most 100 characters.
SAFE_NAME = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9._-]{0,98}[A-Za-z0-9_])?")


def test_slugs_are_filesystem_safe() -> None:
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert slugify("one story") == "one-story"  # spaces and punctuation become dashes, nothing more
    assert re.fullmatch(r"Zurich-uber-alles-[0-9a-f]{8}", slugify("Zürich: über alles?"))
    assert re.fullmatch(r"item-[0-9a-f]{8}", slugify("///"))
    assert len(slugify("x" * 500)) == 100
    names = [
        slugify(value)
        for value in (
            "../../etc/passwd",
            "Zürich",
            "///",
            "x" * 500,
            ".hidden.",
            "新闻 报道",
            "a\x00b",
            "-" * 99,
        )
    ]
    assert all(SAFE_NAME.fullmatch(name) for name in names), names


def test_slugs_that_lose_letters_or_length_stay_apart() -> None:
    # Transliterated or dropped letters, and cut names, end in a hash of what was there.
    assert slugify("Zürich") != slugify("Zurich") == "Zurich"
    assert len({slugify("新闻"), slugify("报道"), slugify("أخبار")}) == 3
    assert slugify("a" * 120 + "1") != slugify("a" * 120 + "2")
    assert slugify("Zürich") == slugify("Zürich")  # a hash, not a counter: the same id every run


def test_long_url_keeps_its_host_whole_and_its_story_slug() -> None:
    # Keeping the last 100 characters once cut "huffingtonpost.ca" to "uffingtonpost.ca".
    stem = "https://www.huffingtonpost.ca/entry/"
    tail = "pipeline-protest-ends-with-an-agreement_ca_5cd5a0e8e4b07bc7297c2b2f"
    first = url_slug(stem + "politics-" * 6 + tail)
    second = url_slug(stem + "business-" * 6 + tail)
    assert first.startswith("huffingtonpost.ca-") and second.startswith("huffingtonpost.ca-")
    assert tail in first and SAFE_NAME.fullmatch(first)
    assert first != second  # they differ only in the part that was cut away
    long_url = "https://www.example.com/" + "section/" * 30 + "the-story-slug.html"
    assert re.search(r"-section-the-story-slug-[0-9a-f]{8}$", url_slug(long_url))
    assert url_slug("https://www.example.com/news/story.html") == "example.com-news-story"


def test_url_ids_keep_the_query_string() -> None:
    assert url_slug("https://blog.example.com/?p=123") == "blog.example.com-p-123"
    assert url_slug("https://blog.example.com/?p=124") == "blog.example.com-p-124"
    assert url_slug("https://example.com/ru/новости") != url_slug("https://example.com/ru/статья")


def test_unique_ids_ignore_case() -> None:
    items = [InputItem(name, None, "x") for name in ("Story", "story", "story", "story-2")]
    assert [item.id for item in unique_ids(items)] == ["Story", "story-2", "story-3", "story-2-2"]


def test_unique_ids_tell_different_keys_apart_by_hash() -> None:
    # "a/1" and "a 1" slug alike; the later one is named after its own key, not its position.
    keys = ["a/1", "a 1", "a 1"]
    ids = [item.id for item in unique_ids(InputItem("a-1", None, "x", key=key) for key in keys)]
    assert ids == ["a-1", f"a-1-{short_hash('a 1')}", "a-1-2"]  # a true repeat falls back to a count


# --- truncation ---------------------------------------------------------------------------------

PARAGRAPHS = [
    "The port closed on Monday. Ships waited offshore. Unions met the minister.",
    '"We will not back down," the union leader told reporters. "Today we strike again."',
    "Talks resume on Thursday. Operators hope for a deal.",
]


def test_truncation_leaves_a_fitting_article_alone() -> None:
    article = Article(text="\n\n".join(PARAGRAPHS))
    assert truncate_to_budget(article, 1000) is article


def test_truncation_cuts_at_a_sentence_boundary_and_keeps_paragraphs() -> None:
    article = Article(text="\n\n".join(PARAGRAPHS), warnings=["earlier warning"])
    budget = 30  # 12 words of paragraph 1 + 10 of paragraph 2 = 22 words = 29 estimated tokens
    cut = truncate_to_budget(article, budget)
    assert cut.text == PARAGRAPHS[0] + '\n\n"We will not back down," the union leader told reporters.'
    assert cut.warnings == [
        "earlier warning",
        "article truncated to 22 of 35 words to fit the model's context window",
    ]
    assert article.text == "\n\n".join(PARAGRAPHS)  # the input is not modified


def test_truncation_uses_the_given_token_counter() -> None:
    article = Article(text="\n\n".join(PARAGRAPHS))
    cut = truncate_to_budget(article, 60, count_tokens=len)  # one token per character
    assert cut.text == "The port closed on Monday. Ships waited offshore."
    assert len(cut.text) <= 60


def test_truncation_of_a_single_overlong_sentence_keeps_words() -> None:
    cut = truncate_to_budget(Article(text="one two three four five six seven eight nine ten."), 5)
    assert cut.text == "one two three"
    assert "truncated to 3 of 10 words" in cut.warnings[0]
