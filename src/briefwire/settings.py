"""Every environment variable briefwire reads, declared once: name, type, default, meaning.

Values are read when asked for, never cached at import: a long-lived process (the server,
a test run) sees the environment as it is now. An empty variable counts as unset.
The README's configuration table lists the same variables (a test checks it).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Generic, TypeVar

from briefwire.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    name: str
    default: T
    doc: str
    parse: Callable[[str], T]

    def get(self) -> T:
        raw = os.environ.get(self.name)
        return self.parse(raw) if raw else self.default


def _text(raw: str) -> str | None:
    return raw


def _path(raw: str) -> Path | None:
    return Path(raw).expanduser()


def _cache(raw: str) -> Path | None:
    return Path(raw)  # as given: the folder was never ~-expanded


def _poll(raw: str) -> int | None:
    value = raw.strip()
    if not value:
        return None
    if not value.isdigit() or int(value) > 100:
        raise ConfigError(f"${POLL.name} must be a whole number from 0 to 100, not {value!r}")
    return int(value)


def _names(raw: str) -> tuple[str, ...]:
    return tuple(name for part in raw.split(",") if (name := part.strip()))


DEBUG = Setting("BRIEFWIRE_DEBUG", False, "1: an internal error raises with its traceback", "1".__eq__)
MODEL = Setting("BRIEFWIRE_MODEL", None, "GGUF file for the embedded backend (default: bundled)", _text)
LLM_URL = Setting("BRIEFWIRE_LLM_URL", None, "OpenAI-compatible endpoint to use instead", _text)
LLM_MODEL = Setting("BRIEFWIRE_LLM_MODEL", None, "model name at the endpoint (default: first)", _text)
API_KEY = Setting("BRIEFWIRE_API_KEY", None, "the endpoint's API key, else $OPENAI_API_KEY", _text)
OPENAI_API_KEY = Setting("OPENAI_API_KEY", None, "the API key if $BRIEFWIRE_API_KEY is unset", _text)
POLL = Setting("BRIEFWIRE_POLL", None, "idle model threads' busy-wait, 0-100 (default: 50)", _poll)
DB = Setting("BRIEFWIRE_DB", None, "archive file (default: in the user data folder)", _path)
CACHE_DIR = Setting("BRIEFWIRE_CACHE_DIR", None, "model cache folder (default: the user cache one)", _cache)
TOKEN = Setting("BRIEFWIRE_TOKEN", None, "serve: bearer token required of clients", _text)
ALLOWED_HOSTS = Setting("BRIEFWIRE_ALLOWED_HOSTS", (), "serve: more Host names, comma-separated", _names)
LOG = Setting("BRIEFWIRE_LOG", "info", "serve: uvicorn's log level", str)
SHARE_CPU = Setting(
    "BRIEFWIRE_SHARE_CPU", True, "0: model processes on this machine run at once, not in turns", "0".__ne__
)

ALL: tuple[Setting, ...] = (
    DEBUG,
    MODEL,
    LLM_URL,
    LLM_MODEL,
    API_KEY,
    OPENAI_API_KEY,
    POLL,
    DB,
    CACHE_DIR,
    TOKEN,
    ALLOWED_HOSTS,
    LOG,
    SHARE_CPU,
)


def api_key(name: str = API_KEY.name) -> str | None:
    """The key in ``$name`` (a backend may be configured to read another variable), else
    ``$OPENAI_API_KEY``: read where the backend is built, so a key never travels in a config."""
    return os.environ.get(name) or OPENAI_API_KEY.get()
