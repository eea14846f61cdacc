"""A backend built on first use: the one every front door (CLI, batch, web) hands the pipeline.

Loading the embedded model takes seconds and a gigabyte of memory, so a run whose
briefings are all archived, or extractive, must never load it; and threads (a batch's,
the web's workers) that share one backend must load it exactly once.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from briefwire.llm.base import Backend, Completion, Message

if TYPE_CHECKING:
    from briefwire.llm import BackendConfig

BackendFactory = Callable[[], Backend]
Identity = tuple[str, str]  # (backend name, model name), as the built backend reports them


class LazyBackend:
    """A ``Backend`` that builds the real one from ``factory`` on first use, once, under a lock.

    ``identity``, when known, answers ``name`` and ``model`` without building: the archive
    key needs them before anything is generated.
    """

    def __init__(self, factory: BackendFactory, identity: Identity | None = None, where: str = "") -> None:
        self._factory = factory
        self.identity = identity
        self.where = where or "a custom backend"  # for messages, and the web's stand-in job key
        self.load_error: BaseException | None = None  # what building raised, if it failed
        self._backend: Backend | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_config(cls, config: BackendConfig, factory: BackendFactory | None = None) -> LazyBackend:
        """The configured backend; ``factory`` builds it instead of ``make_backend`` (to say so first)."""
        import functools

        from briefwire.llm import make_backend

        where = config.llm_url or config.model_path or "the default embedded model"
        return cls(factory or functools.partial(make_backend, config), config.identity(), where)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled (to Ray workers) unbuilt: each process builds its own, from the factory.
        return (LazyBackend, (self._factory, self.identity, self.where))

    @property
    def built(self) -> bool:
        return self._backend is not None

    def get(self) -> Backend:
        if self._backend is None:
            with self._lock:
                if self._backend is None:
                    try:
                        self._backend = self._factory()
                    except BaseException as err:
                        self.load_error = err
                        raise
        return self._backend

    @property
    def name(self) -> str:
        return self.identity[0] if self.identity else self.get().name

    @property
    def model(self) -> str:
        return self.identity[1] if self.identity else self.get().model

    @property
    def context(self) -> int | None:
        # The pipeline reads this before composing, so a failed load surfaces as itself there,
        # not as a section the model could not write.
        return getattr(self.get(), "context", None)

    def chat(self, messages: list[Message], **options: Any) -> Completion:
        """The built backend's ``chat`` (its keyword options passed through as they are)."""
        return self.get().chat(messages, **options)

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
