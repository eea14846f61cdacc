"""`briefwire check` reads its inputs as `brief` does: real processes, no model (``--no-llm``)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest

from briefwire.ingest.load import DEFAULT_MAX_BYTES

HTML_DATA = Path(__file__).resolve().parent / "data" / "html"
SOURCE = (
    "Café prices in Zürich rose 5% in March, the city's statistics office said on Friday.\n\n"
    "Owner Renée Müller said her rent had doubled since 2021."
)
CLAIM = "Renée Müller said her rent had doubled since 2021."


def run_check(source: Path | str, claims: Path | str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        "BRIEFWIRE_DB": str(tmp_path / "bw.db"),
        "BRIEFWIRE_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": "",
    }
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "briefwire.cli",
            "check",
            str(source),
            str(claims),
            "--format",
            "json",
            "--no-llm",
        ],
        capture_output=True,
        env=env,
        timeout=120,
    )


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def labels(proc: subprocess.CompletedProcess) -> list[str]:
    assert proc.returncode == 0, proc.stderr.decode()
    assert "Traceback" not in proc.stderr.decode()
    return [item["label"] for item in json.loads(proc.stdout)]


def assert_one_line_error(proc: subprocess.CompletedProcess, *fragments: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == 2, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert all(fragment in lines[0] for fragment in fragments), lines[0]
    assert proc.stdout == b""


@pytest.mark.parametrize(
    ("encoding", "warning"),
    [("cp1252", "decoded as cp1252"), ("utf-16", None), ("utf-8-sig", None)],
)
def test_source_in_the_encodings_brief_accepts(tmp_path: Path, encoding: str, warning: str | None) -> None:
    source = write(tmp_path / "source.txt", SOURCE.encode(encoding))
    claims = write(tmp_path / "claims.txt", f"{CLAIM}\n".encode())
    proc = run_check(source, claims, tmp_path)
    assert labels(proc) == ["supported"]  # the accented name matched: the text was decoded right
    err = proc.stderr.decode()
    assert (warning in err) if warning else not err.strip()


def test_claims_file_in_utf16(tmp_path: Path) -> None:
    source = write(tmp_path / "source.txt", SOURCE.encode())
    wrong = "Renée Müller said her rent had tripled since 2019."
    claims = write(tmp_path / "claims.txt", f"- {CLAIM}\n- {wrong}\n".encode("utf-16"))
    proc = run_check(source, claims, tmp_path)
    assert labels(proc)[0] == "supported" and labels(proc)[1] != "supported"
    assert [item["claim"] for item in json.loads(proc.stdout)] == [CLAIM, wrong]


def test_html_source_is_read_as_its_article(tmp_path: Path) -> None:
    claims = write(
        tmp_path / "claims.txt",
        b"The regulator approved a 1.2-gigawatt offshore wind farm off the Frisian coast.\n"
        b"Construction will start in the spring of 2026.\n",
    )
    assert labels(run_check(HTML_DATA / "news-page.html", claims, tmp_path)) == ["supported", "supported"]


def test_oversized_source_is_refused_at_once(tmp_path: Path) -> None:
    source = write(tmp_path / "huge.txt", b"The port closed on Monday. " * (DEFAULT_MAX_BYTES // 27 + 10))
    claims = write(tmp_path / "claims.txt", b"The port closed.\n")
    started = time.monotonic()
    proc = run_check(source, claims, tmp_path)
    assert_one_line_error(proc, "huge.txt", "larger than the limit of 5,000,000 bytes")
    assert time.monotonic() - started < 60  # a 20 MB source once ran past 120 s


@pytest.mark.parametrize("which", ["source", "claims"])
def test_binary_input_is_refused(tmp_path: Path, which: str) -> None:
    binary = write(tmp_path / "photo.jpg", b"\xff\xd8\xff\xe0\x00\x10JFIF" + bytes(range(256)) * 4)
    text = write(tmp_path / "text.txt", SOURCE.encode())
    proc = run_check(binary, text, tmp_path) if which == "source" else run_check(text, binary, tmp_path)
    assert_one_line_error(proc, "photo.jpg", "looks like binary data")


def test_missing_and_empty_inputs(tmp_path: Path) -> None:
    text = write(tmp_path / "text.txt", SOURCE.encode())
    assert_one_line_error(run_check(tmp_path / "nope.txt", text, tmp_path), "nope.txt", "does not exist")
    empty = write(tmp_path / "empty.txt", b"  \n")
    assert_one_line_error(run_check(text, empty, tmp_path), "empty.txt", "empty")
