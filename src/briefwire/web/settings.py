"""Everything the web app is configured with; tests build one with a fake backend and a temp DB."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from briefwire.llm import Backend, BackendConfig
from briefwire.model import Briefing
from briefwire.store.base import Store

TOKEN_ENV = "BRIEFWIRE_TOKEN"

BackendFactory = Callable[[], Backend]
BriefFunction = Callable[..., Briefing]  # the signature of briefwire.pipeline.brief


@dataclass
class WebSettings:
    db_path: Path
    # Built once, lazily, by the worker on the first LLM job; None → make_backend(backend_config).
    backend_factory: BackendFactory | None = None
    backend_config: BackendConfig | None = None
    # Names the backend/model in the job dedupe key, known before the backend is loaded.
    backend_label: str | None = None
    token: str | None = None
    allow_private_urls: bool = False
    max_body_bytes: int = 2 * 1024 * 1024
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

        values: dict[str, Any] = {"db_path": default_db_path(), "token": os.environ.get(TOKEN_ENV) or None}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def resolved_backend_label(self) -> str:
        if self.backend_label:
            return self.backend_label
        if self.backend_factory is not None and self.backend_config is None:
            return "custom"
        config = self.backend_config or BackendConfig.from_env()
        if config.llm_url:
            return f"openai-compatible:{config.llm_model or 'default'}@{config.llm_url}"
        return f"embedded:{config.model_path or 'default'}"

    def make_backend(self) -> Backend:
        if self.backend_factory is not None:
            return self.backend_factory()
        from briefwire.llm import make_backend

        return make_backend(self.backend_config)
