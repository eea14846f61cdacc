"""One interface for every language-model backend.

A backend takes chat messages and returns text plus token accounting. Structured
output is requested with a JSON schema: the embedded backend turns it into a
grammar, remote backends send it as ``response_format``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol, runtime_checkable

from briefwire.errors import BackendUnavailableError

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}
TokenCallback = Callable[[str], None]


class LLMError(BackendUnavailableError, RuntimeError):
    """A backend could not produce an answer (load failure, HTTP error, timeout).

    A user-facing error (exit code 3); still a RuntimeError for library callers. The
    composer turns one raised mid-briefing into a GenerationError (exit code 4).
    """


@dataclass(frozen=True)
class GenerationParams:
    max_tokens: int = 256
    temperature: float = 0.7
    top_p: float = 0.9
    seed: int | None = None
    repeat_penalty: float = 1.1
    frequency_penalty: float = 0.0
    presence_penalty: float = 0.0
    # DRY ("don't repeat yourself") sampling; ignored by backends that lack it.
    dry_multiplier: float = 0.0
    stop: tuple[str, ...] = ()


@dataclass
class Completion:
    text: str
    prompt_tokens: int = 0  # newly processed for this call
    cached_tokens: int = 0  # reused from the KV cache
    generated_tokens: int = 0
    seconds: float = 0.0
    finish_reason: str = "stop"  # "stop" or "length"
    extra: dict[str, object] = field(default_factory=dict)


@runtime_checkable
class Backend(Protocol):
    name: str  # "embedded", "openai-compatible", "fake"
    model: str

    def chat(
        self,
        messages: list[Message],
        *,
        params: GenerationParams,
        schema: dict | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        """Generate an answer; with ``schema`` the text is JSON valid against it."""
        ...

    def yes_probability(self, messages: list[Message]) -> float:
        """P(answer is "yes") from the next-token log-probabilities of the answer.

        Used by the grounding judge: one token is generated and the probability
        mass on yes-like and no-like tokens is renormalised.
        """
        ...

    def close(self) -> None: ...
