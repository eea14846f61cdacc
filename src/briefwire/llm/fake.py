"""A scripted backend for unit tests: answers come from a list or a function, never a model."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable

from briefwire.llm.base import Completion, GenerationParams, Message, TokenCallback

Responder = Callable[[list[Message], dict | None], str | dict]


class FakeBackend:
    """Replays scripted answers in order (or computes them with ``responder``).

    Records every call in ``calls`` so tests can assert on prompts and schemas.
    """

    name = "fake"

    def __init__(
        self,
        answers: Iterable[str | dict] = (),
        *,
        responder: Responder | None = None,
        yes: float | Callable[[list[Message]], float] = 0.9,
        model: str = "fake-model",
    ) -> None:
        self.model = model
        self._answers = list(answers)
        self._responder = responder
        self._yes = yes
        self.calls: list[dict] = []

    def chat(
        self,
        messages: list[Message],
        *,
        params: GenerationParams,
        schema: dict | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        self.calls.append({"messages": messages, "schema": schema, "params": params})
        if self._responder is not None:
            answer = self._responder(messages, schema)
        elif self._answers:
            answer = self._answers.pop(0)
        else:
            raise AssertionError("FakeBackend ran out of scripted answers")
        text = answer if isinstance(answer, str) else json.dumps(answer)
        if on_token:
            on_token(text)
        prompt_len = sum(len(m["content"].split()) for m in messages)
        return Completion(text=text, prompt_tokens=prompt_len, generated_tokens=len(text.split()))

    def yes_probability(self, messages: list[Message]) -> float:
        self.calls.append({"messages": messages, "schema": None, "params": None})
        return self._yes(messages) if callable(self._yes) else self._yes

    def close(self) -> None:
        pass
