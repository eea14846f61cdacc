"""The OpenAI-compatible backend against a real HTTP server on loopback (no mocks).

The server is llama.cpp's own (through xllamacpp, listening on 127.0.0.1 with
the default model): the same server software users run as `llama-server`.
"""

from __future__ import annotations

import json
import socket
import time

import httpx
import pytest

from briefwire.compose.composer import Composer, compose
from briefwire.compose.sections import KeyPointsOut
from briefwire.errors import ConfigError
from briefwire.llm.base import GenerationParams, LLMError
from briefwire.llm.openai_compat import OpenAICompatBackend
from briefwire.llm.prompting import article_block, build_messages
from briefwire.model import Article

pytestmark = pytest.mark.model

ARTICLE = Article(
    title="Lakeside town opens new library",
    text=(
        "The town of Millbrook opened a new public library on Saturday. The building cost 3.2 million euros "
        "and holds 40,000 books. Mayor Ana Ruiz said the library would stay open until 9pm on weekdays. "
        "About 600 residents attended the opening."
    ),
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server_url(embedded_backend):
    import xllamacpp

    port = _free_port()
    params = xllamacpp.CommonParams()
    params.model.path = str(embedded_backend.model_path)
    params.n_ctx = 4096
    params.cpuparams.n_threads = 2
    params.cpuparams_batch.n_threads = 2
    params.warmup = False
    params.verbosity = -1
    params.port = port
    server = xllamacpp.Server(params)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.5)
    yield url
    del server


@pytest.fixture(scope="module")
def remote(server_url):
    backend = OpenAICompatBackend(server_url)
    yield backend
    backend.close()


def test_model_name_discovered_from_server(remote):
    assert remote.model.endswith(".gguf")
    assert remote.base_url.endswith("/v1")


def test_structured_output_via_response_format(remote):
    messages = build_messages(article_block(ARTICLE), "List 3 key points of the article. Answer as JSON.")
    completion = remote.chat(
        messages, params=GenerationParams(max_tokens=250, seed=3), schema=KeyPointsOut.model_json_schema()
    )
    parsed = KeyPointsOut.model_validate(json.loads(completion.text))
    assert 3 <= len(parsed.key_points) <= 5
    assert completion.generated_tokens > 10
    assert completion.prompt_tokens + completion.cached_tokens > 50


def test_streaming_delivers_tokens_and_usage(remote):
    pieces: list[str] = []
    messages = build_messages(article_block(ARTICLE), "In one sentence, who opened what?")
    completion = remote.chat(messages, params=GenerationParams(max_tokens=40, seed=3), on_token=pieces.append)
    assert len(pieces) > 3
    assert "".join(pieces) == completion.text
    assert completion.generated_tokens == len(pieces) or completion.generated_tokens > 0


def test_judge_reads_yes_no_probabilities(remote):
    prefix = article_block(ARTICLE)

    def p_yes(claim: str) -> float:
        return remote.yes_probability(
            build_messages(
                prefix, f"Statement: {claim}\nIs the statement supported by the article? Answer yes or no."
            )
        )

    supported = p_yes("Millbrook opened a new public library on Saturday.")
    invented = p_yes("The library was opened by the Prime Minister of Japan.")
    assert 0.0 <= invented < supported <= 1.0


def test_composer_over_http_reuses_the_cached_article(remote):
    composer = Composer(remote, ARTICLE, seed=5)
    headline, key_points, _, _ = compose(composer, ("headline", "key_points"))
    assert headline and 3 <= len(key_points) <= 5
    first, second = composer.stats
    assert second.cached_tokens > 0.8 * first.prompt_tokens


def test_unreachable_server_is_a_clear_error():
    port = _free_port()
    with pytest.raises(LLMError, match="cannot reach the model server"):
        OpenAICompatBackend(f"http://127.0.0.1:{port}", "any-model").chat(
            [{"role": "user", "content": "hi"}], params=GenerationParams(max_tokens=2)
        )


def test_bad_url_is_a_config_error():
    with pytest.raises(ConfigError, match="http"):
        OpenAICompatBackend("ftp://example.org")
