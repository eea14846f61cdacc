"""Any OpenAI-compatible chat endpoint: vLLM, Ollama, llama.cpp server, OpenAI.

Structured output goes as ``response_format`` (json_schema). llama.cpp's extra
sampling controls (repeat penalty, DRY) are sent only to servers that accept
unknown fields; OpenAI's own API rejects them.
"""

from __future__ import annotations

import json
import time
from typing import Any

import httpx

from briefwire import settings
from briefwire.errors import ConfigError
from briefwire.llm.base import Completion, GenerationParams, LLMError, Message, TokenCallback
from briefwire.llm.embedded import completion_from_response, judge_body, request_body, yes_from_response

_LLAMA_ONLY_FIELDS = ("repeat_penalty", "dry_multiplier", "dry_base", "dry_allowed_length")


class OpenAICompatBackend:
    name = "openai-compatible"

    def __init__(
        self,
        base_url: str,
        model: str | None = None,
        *,
        api_key: str | None = None,
        timeout: float = 300.0,
        sampling_extensions: bool | None = None,
    ) -> None:
        if not base_url.startswith(("http://", "https://")):
            raise ConfigError(f"--llm-url must be an http(s) URL, got {base_url!r}")
        base = base_url.rstrip("/")
        self.base_url = base if base.endswith("/v1") else f"{base}/v1"
        headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
        self._client = httpx.Client(timeout=timeout, headers=headers)
        self.model = model or self._first_model()
        # OpenAI's API answers 400 to unknown sampling fields; local servers take them.
        self._extensions = (
            "api.openai.com" not in base if sampling_extensions is None else sampling_extensions
        )

    @classmethod
    def from_config(cls, config: Any) -> OpenAICompatBackend:
        return cls(config.llm_url, config.llm_model, api_key=settings.api_key(config.api_key_env))

    def _first_model(self) -> str:
        data = self._request("GET", "/models")
        models = data.get("data") or data.get("models") or []
        if not models:
            raise ConfigError(f"{self.base_url} lists no models; pass --llm-model")
        first = models[0]
        return str(first.get("id") or first.get("model") or first.get("name"))

    def _request(self, method: str, path: str, body: dict | None = None) -> dict[str, Any]:
        try:
            resp = self._client.request(method, self.base_url + path, json=body)
        except httpx.HTTPError as err:
            raise LLMError(f"cannot reach the model server at {self.base_url}: {err}") from err
        if resp.status_code >= 400:
            raise LLMError(f"the model server answered HTTP {resp.status_code}: {resp.text[:300]}")
        return resp.json()

    def _body(
        self, messages: list[Message], params: GenerationParams, schema: dict | None, stream: bool
    ) -> dict:
        body = request_body(messages, params, schema, stream=stream)
        body["model"] = self.model
        if stream:
            body["stream_options"] = {"include_usage": True}
        if not self._extensions:
            for key in _LLAMA_ONLY_FIELDS:
                body.pop(key, None)
        return body

    def chat(
        self,
        messages: list[Message],
        *,
        params: GenerationParams,
        schema: dict | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        start = time.perf_counter()
        if on_token is None:
            data = self._request("POST", "/chat/completions", self._body(messages, params, schema, False))
            return completion_from_response(data, seconds=time.perf_counter() - start)
        pieces: list[str] = []
        final: dict[str, Any] = {}
        try:
            with self._client.stream(
                "POST", self.base_url + "/chat/completions", json=self._body(messages, params, schema, True)
            ) as resp:
                if resp.status_code >= 400:
                    resp.read()
                    raise LLMError(f"the model server answered HTTP {resp.status_code}: {resp.text[:300]}")
                for line in resp.iter_lines():
                    if not line.startswith("data:") or line.strip() == "data: [DONE]":
                        continue
                    chunk = json.loads(line[5:])
                    for choice in chunk.get("choices") or []:
                        delta = (choice.get("delta") or {}).get("content")
                        if delta:
                            pieces.append(delta)
                            on_token(delta)
                        if choice.get("finish_reason"):
                            final["choices"] = [{"finish_reason": choice["finish_reason"]}]
                    for key in ("usage", "timings"):
                        if chunk.get(key):
                            final[key] = chunk[key]
        except httpx.HTTPError as err:
            raise LLMError(f"lost the model server at {self.base_url}: {err}") from err
        return completion_from_response(final, text="".join(pieces), seconds=time.perf_counter() - start)

    def yes_probability(self, messages: list[Message]) -> float:
        body = {**judge_body(messages), "model": self.model}
        return yes_from_response(self._request("POST", "/chat/completions", body))

    def close(self) -> None:
        self._client.close()
