"""Shared fixtures. The real embedded model is loaded once per test session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def _model_unavailable(reason: str) -> None:
    # CI sets BRIEFWIRE_REQUIRE_MODEL=1: there a missing model is a failure, never a silent skip.
    if os.environ.get("BRIEFWIRE_REQUIRE_MODEL") == "1":
        pytest.fail(f"the embedded model is required but unavailable: {reason}")
    pytest.skip(f"embedded model unavailable: {reason}")


@pytest.fixture(scope="session")
def embedded_backend():
    """The default model (Qwen2.5-Coder-1.5B-Instruct Q4_K_M) through xllamacpp, shared by all tests."""
    try:
        import xllamacpp  # noqa: F401
    except ImportError:
        _model_unavailable("xllamacpp is not installed (pip install '.[embedded]')")
    from briefwire.errors import ConfigError
    from briefwire.llm.embedded import EmbeddedBackend

    try:
        backend = EmbeddedBackend()
    except ConfigError as err:
        _model_unavailable(str(err))
    yield backend
    backend.close()


@pytest.fixture()
def example_article():
    from briefwire.ingest import load_article

    return load_article(str(EXAMPLES / "harbour-strike.txt"))
