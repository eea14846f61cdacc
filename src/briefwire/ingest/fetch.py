"""Fetching a web page with bounded size, time and redirects, and an optional SSRF guard.

With ``allow_private=False`` (the web app) every hop's host is resolved here, each address
is checked, and the connection goes to the checked address (the host name still travels in
the Host header and TLS SNI), so a DNS answer that changes between check and connect
("DNS rebinding") cannot steer the request inside the network.  An HTTP(S) proxy configured
in the environment would still resolve names itself; deployments exposing the guard should
not route through one.
"""

from __future__ import annotations

import ipaddress
import socket
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx

from briefwire.errors import InputError

MAX_REDIRECTS = 5
_REDIRECT_CODES = frozenset({301, 302, 303, 307, 308})
_TEXT_MEDIA_TYPES = frozenset(
    {
        "application/xhtml+xml",
        "application/xml",
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/feed+json",
        "application/json",  # how many JSON Feeds are served
    }
)
_HEADERS = {
    # Some news sites answer 403 to clients that do not look like a browser or a known bot.
    "User-Agent": "Mozilla/5.0 (compatible; briefwire/0.1)",
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5",
}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True)
class FetchedPage:
    url: str  # as requested
    final_url: str  # after redirects
    content_type: str  # media type without parameters, lower case; "" when the server sent none
    body: bytes
    charset: str | None  # from the Content-Type header


def _forbidden_kind(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be fetched from a server, or None for a public address."""
    if isinstance(ip, ipaddress.IPv6Address):
        # IPv4 wrapped in IPv6 (::ffff:127.0.0.1, 6to4) reaches the embedded IPv4 address.
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is not None:
            return _forbidden_kind(embedded)
    for attribute, kind in (
        ("is_unspecified", "unspecified"),
        ("is_loopback", "loopback"),
        ("is_link_local", "link-local"),
        ("is_multicast", "multicast"),
        ("is_reserved", "reserved"),  # before is_private, which also covers 240.0.0.0/4
        ("is_private", "private"),
    ):
        if getattr(ip, attribute):
            return kind
    # Catches the rest, such as carrier-grade NAT space (100.64.0.0/10).
    return None if ip.is_global else "not publicly routable"


def _resolve(host: str, port: int) -> list[IPAddress]:
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    # An IPv6 answer may carry a zone ("fe80::1%eth0"), which ip_address does not accept.
    return [ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]) for info in infos]


def _public_address(url: httpx.URL, shown: str) -> IPAddress:
    """The address to connect to for ``url``, after checking every address its host has."""
    host = url.raw_host.decode("ascii")
    try:
        addresses = _resolve(host, url.port or (443 if url.scheme == "https" else 80))
    except (socket.gaierror, UnicodeError) as exc:
        raise InputError(f"Could not resolve the host name {host} while fetching {shown}.") from exc
    for ip in addresses:
        kind = _forbidden_kind(ip)
        if kind:
            raise InputError(f"Refusing to fetch {shown}: address {ip} is {kind}, not a public address.")
    return addresses[0]


def _parse_url(url: str, shown: str) -> httpx.URL:
    try:
        parsed = httpx.URL(url)
    except httpx.InvalidURL as exc:
        raise InputError(f"{shown} is not a valid URL ({exc}).") from exc
    if parsed.scheme not in ("http", "https"):
        raise InputError(f"Cannot fetch {shown}: only http and https URLs are supported.")
    if not parsed.host:
        raise InputError(f"{shown} has no host name.")
    return parsed


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _build_request(client: httpx.Client, url: httpx.URL, *, allow_private: bool, shown: str) -> httpx.Request:
    if allow_private:
        return client.build_request("GET", url)
    ip = _public_address(url, shown)
    if _is_ip_literal(url.host):
        return client.build_request("GET", url)  # nothing to pin
    # Pin the checked address; Host and SNI keep the name so virtual hosts and TLS still work.
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if url.scheme == "https" else {}
    return client.build_request(
        "GET",
        url.copy_with(host=str(ip)),
        headers={"Host": url.netloc.decode("ascii")},
        extensions=extensions,
    )


def _caused_by_dns(exc: BaseException) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, socket.gaierror):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


@contextmanager
def _http_errors(url: str, host: str, timeout: float) -> Iterator[None]:
    """Turn httpx's exceptions into one-sentence InputErrors naming the URL."""
    try:
        yield
    except httpx.TimeoutException as exc:
        raise InputError(f"Fetching {url} timed out after {timeout:g} seconds.") from exc
    except httpx.ConnectError as exc:
        if _caused_by_dns(exc):
            raise InputError(f"Could not resolve the host name {host} while fetching {url}.") from exc
        raise InputError(f"Could not connect to {url} ({exc}).") from exc
    except httpx.HTTPError as exc:
        raise InputError(f"Could not fetch {url} ({exc or type(exc).__name__}).") from exc


def _read_body(
    response: httpx.Response, *, shown: str, max_bytes: int, deadline: float, timeout: float
) -> bytes:
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise InputError(f"{shown} is larger than the limit of {max_bytes:,} bytes.")
    chunks: list[bytes] = []
    size = 0
    # Counting decoded bytes also bounds a small gzip body that inflates to gigabytes.
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise InputError(f"{shown} is larger than the limit of {max_bytes:,} bytes.")
        # httpx's timeout is per read; a server trickling bytes must not hold us forever.
        if time.monotonic() > deadline:
            raise InputError(f"Fetching {shown} timed out after {timeout:g} seconds.")
        chunks.append(chunk)
    return b"".join(chunks)


def _page(
    response: httpx.Response, *, url: str, final_url: str, max_bytes: int, deadline: float, timeout: float
) -> FetchedPage:
    status = response.status_code
    if status >= 400:
        reason = f" {response.reason_phrase}" if response.reason_phrase else ""
        raise InputError(f"{url} returned HTTP {status}{reason}.")
    if not 200 <= status < 300:
        raise InputError(f"{url} returned HTTP {status} instead of a page.")
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    if media_type and not (media_type.startswith("text/") or media_type in _TEXT_MEDIA_TYPES):
        raise InputError(f"{url} has content type {media_type}, which is not text or HTML.")
    body = _read_body(response, shown=url, max_bytes=max_bytes, deadline=deadline, timeout=timeout)
    return FetchedPage(
        url=url, final_url=final_url, content_type=media_type, body=body, charset=response.charset_encoding
    )


def fetch_url(url: str, *, allow_private: bool, timeout: float, max_bytes: int) -> FetchedPage:
    """GET ``url``, following at most 5 redirects, and return the body; InputError on any failure.

    ``allow_private=False`` refuses every hop whose host resolves to a loopback, private,
    link-local, multicast, reserved or unspecified address.
    """
    deadline = time.monotonic() + timeout
    shown = url
    current = _parse_url(url, shown)
    with httpx.Client(follow_redirects=False, timeout=timeout, headers=_HEADERS) as client:
        for _ in range(MAX_REDIRECTS + 1):
            request = _build_request(client, current, allow_private=allow_private, shown=shown)
            with (
                _http_errors(url, current.host, timeout),
                closing(client.send(request, stream=True)) as response,
            ):
                location = response.headers.get("location")
                if response.status_code not in _REDIRECT_CODES or not location:
                    return _page(
                        response,
                        url=url,
                        final_url=str(current),
                        max_bytes=max_bytes,
                        deadline=deadline,
                        timeout=timeout,
                    )
            target = urljoin(str(current), location)
            shown = f"{target} (redirected from {url})"
            current = _parse_url(target, shown)
    raise InputError(f"Too many redirects (more than {MAX_REDIRECTS}) while fetching {url}.")
