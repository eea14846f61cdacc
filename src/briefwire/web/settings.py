"""Everything the web app is configured with; tests build one with a fake backend and a temp DB."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from briefwire import settings
from briefwire.llm import BackendConfig
from briefwire.llm.lazy import BackendFactory, Identity, LazyBackend
from briefwire.store.base import Store

if TYPE_CHECKING:
    from briefwire.pipeline import BriefResult

# Names a browser on this machine reaches the server by. Any other Host header is refused, so a
# page whose domain is made to resolve to 127.0.0.1 (DNS rebinding) cannot talk to the app.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "[::1]")
# Binding these serves every interface; they are no name a client sends.
WILDCARD_ADDRESSES = frozenset({"0.0.0.0", "::", ""})

BriefFunction = Callable[..., "BriefResult"]  # the signature of briefwire.pipeline.brief


@dataclass
class WebSettings:
    db_path: Path
    # Built once, lazily, by the worker on the first LLM job; None → make_backend(backend_config).
    backend_factory: BackendFactory | None = None
    backend_config: BackendConfig | None = None
    # The (backend, model) pair backend_factory's backend reports, so that jobs and the archive
    # know it before it is built; None → built to ask it. A backend_config names its own.
    backend_identity: Identity | None = None
    token: str | None = None
    # Host header values served ("*.example.com" matches subdomains, "*" anything); see allowed_hosts().
    allowed_hosts: tuple[str, ...] = LOCAL_HOSTS
    # Proxies whose X-Forwarded-For names the client; from anyone else the socket peer is the client.
    trusted_proxies: tuple[str, ...] = ()
    allow_private_urls: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
    # Longer articles are cut at a sentence boundary, with a note in the briefing: the extractive
    # engine takes seconds per million characters (docs/benchmarks.md), the model reads far less.
    max_article_chars: int = 1_000_000
    # A running job is stopped (and fails, saying why) after this many seconds.
    job_time_limit: float = 900.0
    rate_limit: int = 10  # briefing submissions per client per rate_window seconds; 0 = off
    rate_window: float = 60.0
    workers: int = 1
    start_worker: bool = True  # False: jobs are only queued (tests of restart/resume)
    fetch_timeout: float = 20.0
    fetch_max_bytes: int = 5 * 1024 * 1024
    # The pipeline entry point; None → briefwire.pipeline.brief, looked up at call time.
    brief_fn: BriefFunction | None = None
    # An already-open store to share; None → SQLiteStore(db_path), closed with the app.
    store: Store | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> WebSettings:
        """Settings for ``briefwire serve``: the token from $BRIEFWIRE_TOKEN, the default archive."""
        from briefwire.store import default_db_path

        values: dict[str, Any] = {"db_path": default_db_path(), "token": settings.TOKEN.get()}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    @staticmethod
    def allowed_hosts_for(bind: str, extra: Sequence[str] = ()) -> tuple[str, ...]:
        """The Host allow-list of a server bound to ``bind``: the local names, ``bind`` itself
        unless it is a wildcard, then $BRIEFWIRE_ALLOWED_HOSTS and ``extra``."""
        bound = f"[{bind}]" if ":" in bind else bind  # an IPv6 address is bracketed in a Host header
        named = [bound if bind not in WILDCARD_ADDRESSES else "", *settings.ALLOWED_HOSTS.get(), *extra]
        return tuple(dict.fromkeys([*LOCAL_HOSTS, *(h.lower() for h in named if h)]))

    def lazy_backend(self) -> LazyBackend:
        """The backend the workers share, built by the first job that needs the model."""
        if self.backend_factory is not None:
            return LazyBackend(self.backend_factory, self.backend_identity)
        return LazyBackend.from_config(self.backend_config or BackendConfig.from_env())
