"""The embedded default: llama.cpp in-process through ``xllamacpp``.

xllamacpp exposes llama.cpp's server without HTTP: we hand it OpenAI-style
request dicts and get OpenAI-style answers back, including the timings that
tell how much of the prompt came from the KV cache. ``n_parallel`` slots give
continuous batching for concurrent callers.
"""

from __future__ import annotations

import contextlib
import math
import os
import time
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any

from briefwire import settings
from briefwire.errors import ConfigError
from briefwire.llm.base import Completion, GenerationParams, LLMError, Message, TokenCallback
from briefwire.llm.turns import machine_turns
from briefwire.llm.weights import default_model_path, model_name

YES_TOKENS = {"yes", "true", "supported"}
NO_TOKENS = {"no", "false", "unsupported", "not"}


def available_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def request_body(
    messages: list[Message], params: GenerationParams, schema: dict | None, *, stream: bool
) -> dict[str, Any]:
    """An OpenAI chat request with llama.cpp's sampling extensions (ignored by other servers)."""
    body: dict[str, Any] = {
        "messages": messages,
        "max_tokens": params.max_tokens,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "frequency_penalty": params.frequency_penalty,
        "presence_penalty": params.presence_penalty,
        "repeat_penalty": params.repeat_penalty,
        "stream": stream,
    }
    if params.seed is not None:
        body["seed"] = params.seed
    if params.dry_multiplier:
        body.update(dry_multiplier=params.dry_multiplier, dry_base=1.75, dry_allowed_length=3)
    if params.stop:
        body["stop"] = list(params.stop)
    if schema is not None:
        body["response_format"] = {
            "type": "json_schema",
            "json_schema": {"name": "section", "strict": True, "schema": schema},
        }
    return body


def completion_from_response(
    data: dict[str, Any], text: str | None = None, seconds: float = 0.0
) -> Completion:
    """Token accounting from llama.cpp ``timings`` when present, else OpenAI ``usage``."""
    if "error" in data:
        raise LLMError(f"the model server returned an error: {data['error']}")
    choice = (data.get("choices") or [{}])[0]
    if text is None:
        text = (choice.get("message") or {}).get("content") or ""
    usage = data.get("usage") or {}
    timings = data.get("timings") or {}
    cached = timings.get("cache_n", (usage.get("prompt_tokens_details") or {}).get("cached_tokens", 0)) or 0
    prompt_new = timings.get("prompt_n")
    if prompt_new is None:
        prompt_new = max(0, (usage.get("prompt_tokens") or 0) - cached)
    generated = timings.get("predicted_n", usage.get("completion_tokens", 0)) or 0
    return Completion(
        text=text,
        prompt_tokens=int(prompt_new),
        cached_tokens=int(cached),
        generated_tokens=int(generated),
        seconds=seconds,
        finish_reason=choice.get("finish_reason") or "stop",
    )


def yes_share(top_logprobs: list[dict[str, Any]]) -> float:
    """Renormalised probability of yes-like answers among yes/no-like candidates."""
    yes = no = 0.0
    for cand in top_logprobs:
        word = str(cand.get("token", "")).strip().strip(".").lower()
        p = math.exp(float(cand.get("logprob", -100.0)))
        if word in YES_TOKENS:
            yes += p
        elif word in NO_TOKENS:
            no += p
    return 0.5 if yes + no == 0 else yes / (yes + no)


def judge_body(messages: list[Message]) -> dict[str, Any]:
    """One greedy token with its top alternatives: enough to read P(yes)."""
    return {
        "messages": messages,
        "max_tokens": 1,
        "temperature": 0.0,
        "logprobs": True,
        "top_logprobs": 10,
        "stream": False,
    }


def yes_from_response(data: dict[str, Any]) -> float:
    if "error" in data:
        raise LLMError(f"the model server returned an error: {data['error']}")
    content = ((data.get("choices") or [{}])[0].get("logprobs") or {}).get("content") or []
    return yes_share(content[0].get("top_logprobs", [])) if content else 0.5


def _xllamacpp() -> Any:
    try:
        import xllamacpp
    except ImportError as err:
        raise ConfigError(
            "the embedded backend needs xllamacpp: `pip install 'briefwire[embedded]'` "
            "(or use --llm-url for an OpenAI-compatible server)"
        ) from err
    return xllamacpp


def server_params(
    path: Path, *, threads: int | None = None, parallel: int = 1, context: int = 8192, poll: int | None = None
) -> Any:
    """xllamacpp's ``CommonParams`` for a model file (building them reads nothing from the file).

    ``poll`` (0-100) is how long llama.cpp's worker threads busy-wait for work before they
    sleep; None keeps xllamacpp's default (50). Spinning threads take the cores from other
    processes: with two model processes on two cores, each slows far beyond half speed.
    """
    params = _xllamacpp().CommonParams()
    params.model.path = str(path)
    # llama.cpp divides n_ctx between the slots.
    params.n_ctx = context * parallel
    params.n_parallel = parallel
    params.n_batch = 512
    for cpu in (params.cpuparams, params.cpuparams_batch):
        cpu.n_threads = threads or available_cores()
        if poll is not None:
            cpu.poll = poll
    params.warmup = False
    params.verbosity = -1
    return params


class EmbeddedBackend:
    name = "embedded"

    def __init__(
        self,
        model_path: str | Path | None = None,
        *,
        threads: int | None = None,
        parallel: int = 1,
        context: int = 8192,
        poll: int | None = None,
    ) -> None:
        xllamacpp = _xllamacpp()
        if model_path is None:
            path = default_model_path()
        else:
            path = Path(model_path)
            if not path.is_file():
                raise ConfigError(f"model file not found: {path}")
        self.model = model_name(model_path)
        self.model_path = path
        self.parallel = max(1, parallel)
        self.context = context
        params = server_params(path, threads=threads, parallel=self.parallel, context=context, poll=poll)
        try:
            self._server = xllamacpp.Server(params)
        except Exception as err:  # xllamacpp raises plain RuntimeError on a bad GGUF
            raise ConfigError(f"could not load the model {path}: {err}") from err

    @classmethod
    def from_config(cls, config: Any) -> EmbeddedBackend:
        return cls(
            config.model_path,
            threads=config.threads,
            parallel=config.parallel,
            context=config.context,
            poll=config.poll,
        )

    def chat(
        self,
        messages: list[Message],
        *,
        params: GenerationParams,
        schema: dict | None = None,
        on_token: TokenCallback | None = None,
    ) -> Completion:
        with self._turn():
            return self._chat(messages, params, schema, on_token)

    def _turn(self) -> AbstractContextManager[None]:
        """This process's turn on the CPU (llm/turns.py), or nothing when sharing is off."""
        return machine_turns().turn() if settings.SHARE_CPU.get() else contextlib.nullcontext()

    def _chat(
        self,
        messages: list[Message],
        params: GenerationParams,
        schema: dict | None,
        on_token: TokenCallback | None,
    ) -> Completion:
        start = time.perf_counter()
        if on_token is None:
            data = self._server.handle_chat_completions(request_body(messages, params, schema, stream=False))
            return completion_from_response(data, seconds=time.perf_counter() - start)
        pieces: list[str] = []
        last: dict[str, Any] = {}
        raised: list[BaseException] = []

        def on_chunk(chunk: dict[str, Any]) -> bool:
            """Returns True to end the stream, which ends the generation."""
            nonlocal last
            if "error" in chunk:
                last = chunk
                return False
            delta = ((chunk.get("choices") or [{}])[0].get("delta") or {}).get("content")
            if delta:
                pieces.append(delta)
                try:
                    on_token(delta)
                except BaseException as err:  # xllamacpp would swallow it and generate on
                    raised.append(err)
                    return True
            if chunk.get("timings") or (chunk.get("choices") or [{}])[0].get("finish_reason"):
                last = {**last, **chunk}
            return False

        self._server.handle_chat_completions(request_body(messages, params, schema, stream=True), on_chunk)
        if raised:  # the caller's callback stopped the call (a cancelled job, say): its error, not ours
            raise raised[0]
        if "error" in last:
            raise LLMError(f"the model returned an error: {last['error']}")
        return completion_from_response(last, text="".join(pieces), seconds=time.perf_counter() - start)

    def yes_probability(self, messages: list[Message]) -> float:
        with self._turn():
            return yes_from_response(self._server.handle_chat_completions(judge_body(messages)))

    def close(self) -> None:
        self._server = None  # the server's destructor stops its threads
