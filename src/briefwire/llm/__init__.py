"""Backends behind one interface; ``make_backend`` picks one from configuration."""

from __future__ import annotations

from dataclasses import dataclass

from briefwire import settings
from briefwire.llm.base import Backend, Completion, GenerationParams, LLMError, Message

__all__ = [
    "Backend",
    "BackendConfig",
    "Completion",
    "GenerationParams",
    "LLMError",
    "Message",
    "make_backend",
]


@dataclass(frozen=True)
class BackendConfig:
    """Everything needed to build a backend; picklable, so Ray workers can rebuild it."""

    model_path: str | None = None  # a GGUF file; None means the default model
    llm_url: str | None = None  # an OpenAI-compatible endpoint; set → remote backend
    llm_model: str | None = None
    # The variable holding the API key, read where the backend is built (settings.api_key),
    # so the key itself never travels in a pickled config.
    api_key_env: str = settings.API_KEY.name
    threads: int | None = None  # None → available cores
    poll: int | None = None  # embedded: worker threads' busy-wait, 0-100; None → xllamacpp's (50)
    parallel: int = 1  # embedded: concurrent slots (continuous batching)
    context: int = 8192  # tokens per slot

    @classmethod
    def from_env(cls, **overrides: object) -> BackendConfig:
        values: dict[str, object] = {
            "llm_url": settings.LLM_URL.get(),
            "llm_model": settings.LLM_MODEL.get(),
            "model_path": settings.MODEL.get(),
            "poll": settings.POLL.get(),
        }
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)  # type: ignore[arg-type]

    def identity(self) -> tuple[str, str] | None:
        """(backend name, model name) as the built backend will report them, without building it;
        None when only the server can tell (a remote endpoint with no model named)."""
        if self.llm_url:
            from briefwire.llm.openai_compat import OpenAICompatBackend

            return (OpenAICompatBackend.name, self.llm_model) if self.llm_model else None
        from briefwire.llm.embedded import EmbeddedBackend
        from briefwire.llm.weights import model_name

        return EmbeddedBackend.name, model_name(self.model_path)


def make_backend(config: BackendConfig | None = None) -> Backend:
    config = config or BackendConfig.from_env()
    if config.llm_url:
        from briefwire.llm.openai_compat import OpenAICompatBackend

        return OpenAICompatBackend.from_config(config)
    from briefwire.llm.embedded import EmbeddedBackend

    return EmbeddedBackend.from_config(config)
