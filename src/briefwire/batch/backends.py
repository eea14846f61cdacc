"""Build the model backend once, and only if some item really needs it.

Loading the embedded model takes seconds and a gigabyte of memory, so a batch
whose items are all skipped (outputs exist) or extractive must never load it,
and a batch of many items must load it exactly once, shared by all threads.
"""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable

from briefwire.llm import BackendConfig, make_backend
from briefwire.llm.base import Backend, Completion, GenerationParams, Message, TokenCallback

BackendFactory = Callable[[], Backend]


def default_factory(config: BackendConfig) -> BackendFactory:
    """A picklable factory (Ray ships it to workers) for the configured backend."""
    return functools.partial(make_backend, config)


class LazyBackend:
    """A ``Backend`` that builds the real one on first use, once, under a lock."""

    def __init__(self, factory: BackendFactory) -> None:
        self._factory = factory
        self._backend: Backend | None = None
        self._lock = threading.Lock()

    @property
    def built(self) -> bool:
        return self._backend is not None

    def get(self) -> Backend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    self._backend = self._factory()
        return self._backend

    # The pipeline reads name/model for the store's dedupe key: that needs the real backend.
    @property
    def name(self) -> str:
        return self.get().name

    @property
    def model(self) -> str:
        return self.get().model

    def chat(
        self,
        messages: list[Message],
        *,
        params: GenerationParams,
        schema: dict | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        return self.get().chat(messages, params=params, schema=schema, on_token=on_token)

    def yes_probability(self, messages: list[Message]) -> float:
        return self.get().yes_probability(messages)

    def __getattr__(self, attr: str) -> object:
        # Anything a backend offers beyond the protocol (called only for missing attributes).
        if attr.startswith("_"):
            raise AttributeError(attr)
        return getattr(self.get(), attr)

    def close(self) -> None:
        with self._lock:
            if self._backend is not None:
                self._backend.close()
                self._backend = None
