"""Environment variables: declared once (settings.py), read at call time, listed in the README."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from briefwire import settings
from briefwire.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "briefwire"
DECLARED = {s.name for s in settings.ALL}
NAME = re.compile(r"\b(BRIEFWIRE_[A-Z0-9_]+|OPENAI_API_KEY)\b")


def test_every_setting_is_declared_once_and_documented() -> None:
    assert len(DECLARED) == len(settings.ALL)
    declared_here = {v.name for v in vars(settings).values() if isinstance(v, settings.Setting)}
    assert declared_here == DECLARED  # none left out of ALL
    assert all(s.doc for s in settings.ALL)


def test_only_settings_py_names_a_variable_as_a_value() -> None:
    # A bare "BRIEFWIRE_X" string is a read (os.environ, getenv, typer's envvar=) or a second
    # declaration; mentions in help text and messages are fine.
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "settings.py" and path.parent == PACKAGE:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and NAME.fullmatch(node.value):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.value}")
            if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv"):
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno} os.{node.attr}")
    assert not offenders, "read the environment through briefwire.settings:\n" + "\n".join(offenders)


def test_every_mentioned_variable_exists() -> None:
    for path in PACKAGE.rglob("*.py"):
        unknown = set(NAME.findall(path.read_text(encoding="utf-8"))) - DECLARED
        assert not unknown, f"{path.relative_to(ROOT)} mentions undeclared {sorted(unknown)}"


def test_the_readme_table_lists_exactly_the_declared_variables() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Backends and configuration", 1)[1].split("\n#", 1)[0]
    assert set(NAME.findall(table)) == DECLARED


def test_values_are_read_when_asked_for(monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("BRIEFWIRE_LOG", raising=False)
    assert settings.LOG.get() == "info"
    monkeypatch.setenv("BRIEFWIRE_LOG", "debug")
    assert settings.LOG.get() == "debug"
    monkeypatch.setenv("BRIEFWIRE_LLM_URL", "")  # empty is unset
    assert settings.LLM_URL.get() is None
    monkeypatch.setenv("BRIEFWIRE_ALLOWED_HOSTS", " a.example, ,b.example ")
    assert settings.ALLOWED_HOSTS.get() == ("a.example", "b.example")
    monkeypatch.setenv("BRIEFWIRE_DEBUG", "yes")  # only 1 turns it on
    assert settings.DEBUG.get() is False
    monkeypatch.setenv("BRIEFWIRE_POLL", "101")
    with pytest.raises(ConfigError, match="BRIEFWIRE_POLL"):
        settings.POLL.get()


def test_the_api_key_falls_back_to_openai_s(monkeypatch) -> None:
    monkeypatch.delenv("BRIEFWIRE_API_KEY", raising=False)
    monkeypatch.setenv("OPENAI_API_KEY", "openai")
    assert settings.api_key() == "openai"
    monkeypatch.setenv("BRIEFWIRE_API_KEY", "ours")
    assert settings.api_key() == "ours"
