"""The embedded backend's plumbing, without model weights: llama.cpp's parameters (the busy-wait
``poll`` from $BRIEFWIRE_POLL or --poll) and the streaming callback's stop."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from briefwire.cli import app
from briefwire.commands import brief as brief_command
from briefwire.errors import ConfigError
from briefwire.llm import BackendConfig, GenerationParams
from briefwire.llm.embedded import EmbeddedBackend, server_params


def test_poll_reaches_both_thread_pools() -> None:
    pytest.importorskip("xllamacpp")
    params = server_params(Path("model.gguf"), threads=2, poll=0)
    assert (params.cpuparams.poll, params.cpuparams_batch.poll) == (0, 0)
    assert (params.cpuparams.n_threads, params.cpuparams_batch.n_threads) == (2, 2)
    default = server_params(Path("model.gguf"))
    assert (default.cpuparams.poll, default.cpuparams_batch.poll) == (50, 50)  # xllamacpp's own


def test_poll_comes_from_the_environment_unless_given(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFWIRE_POLL", raising=False)
    assert BackendConfig.from_env().poll is None
    monkeypatch.setenv("BRIEFWIRE_POLL", "10")
    assert BackendConfig.from_env().poll == 10
    assert BackendConfig.from_env(poll=0).poll == 0  # an option beats the environment
    for bad in ("fast", "101", "-1"):
        monkeypatch.setenv("BRIEFWIRE_POLL", bad)
        with pytest.raises(ConfigError, match="BRIEFWIRE_POLL"):
            BackendConfig.from_env()


def test_brief_passes_poll_to_the_backend_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFWIRE_POLL", raising=False)
    seen: list[BackendConfig] = []
    real = brief_command.backend_config

    def spy(*args: Any, **kwargs: Any) -> BackendConfig:
        seen.append(real(*args, **kwargs))
        return seen[-1]

    monkeypatch.setattr(brief_command, "backend_config", spy)
    article = tmp_path / "a.txt"
    article.write_text("Dock workers extended their strike on Wednesday. Ships are waiting at anchor.")
    args = ["brief", str(article), "--engine", "extractive", "--no-store", "-q"]
    result = CliRunner().invoke(app, [*args, "--poll", "7"])
    assert result.exit_code == 0, result.output
    assert seen[-1].poll == 7
    assert CliRunner().invoke(app, [*args, "--poll", "101"]).exit_code == 2


class ScriptedServer:
    """Stands in for xllamacpp.Server: streams chunks to the callback until it returns True."""

    def __init__(self) -> None:
        self.sent = 0

    def handle_chat_completions(self, body: dict, callback: Any) -> None:
        for n in range(50):
            self.sent += 1
            if callback({"choices": [{"delta": {"content": f"w{n} "}}]}):
                return


def test_an_error_in_the_token_callback_ends_the_generation_and_reaches_the_caller() -> None:
    backend = EmbeddedBackend.__new__(EmbeddedBackend)
    backend._server = ScriptedServer()

    class Stop(Exception):
        pass

    def on_token(piece: str) -> None:
        if piece == "w2 ":
            raise Stop

    with pytest.raises(Stop):
        backend.chat([{"role": "user", "content": "hi"}], params=GenerationParams(), on_token=on_token)
    assert backend._server.sent == 3  # the stream was ended at the failing token
