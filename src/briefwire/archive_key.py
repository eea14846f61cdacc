"""The one key a briefing is archived under and found again by, whoever asks (CLI, batch, web)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from briefwire.llm.base import Backend
from briefwire.model import Article
from briefwire.options import BriefOptions

# What an extractive briefing is filed under: no backend, and its engine in the model's place
# (the pair its own run statistics carry, see extractive.briefing).
EXTRACTIVE_IDENTITY = ("none", "extractive")


@dataclass(frozen=True)
class ArchiveKey:
    """Same article content, same options, same backend and model: the same briefing."""

    content_hash: str
    options_key: str
    backend: str
    model: str

    @classmethod
    def of(
        cls,
        article: Article,
        options: BriefOptions,
        backend: Backend | None = None,
        *,
        identity: tuple[str, str] | None = None,
    ) -> ArchiveKey:
        """The key of briefing ``article`` with ``options`` on ``backend``, or on a backend of
        ``identity`` (name, model). Only the llm engine depends on the backend."""
        if options.engine != "llm" or (backend is None and identity is None):
            identity = EXTRACTIVE_IDENTITY
        elif identity is None:
            # A lazy backend answers from its configuration, without loading the model.
            identity = (backend.name, backend.model)  # type: ignore[union-attr]
        return cls(article.content_hash, options.cache_key(), *identity)

    def digest(self) -> str:
        """The key as one short string (the web's job queue dedupes on it)."""
        raw = "\n".join((self.content_hash, self.options_key, self.backend, self.model))
        return hashlib.sha256(raw.encode()).hexdigest()
