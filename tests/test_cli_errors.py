"""Errors, exit codes and option names of the whole CLI, as a user meets them: real processes.

No model is ever loaded: briefs use ``--engine extractive`` or a model server that is not there.
Faults the test machine cannot produce on demand (a read-only folder when running as root, a
full disk) are injected into the CLI process by a few lines run before ``main()``.
"""

from __future__ import annotations

import errno
import json
import os
import re
import socket
import stat
import subprocess
import sys
from importlib import metadata
from pathlib import Path

import pytest

from briefwire import errors
from briefwire.errors import BriefwireError, OutputError
from briefwire.fsutil import TEMP_SUFFIX, atomic_open, atomic_write
from briefwire.llm.base import LLMError

ROOT = Path(__file__).resolve().parent.parent
ARTICLE = str(ROOT / "examples" / "harbour-strike.txt")
EXTRACTIVE = ("--engine", "extractive", "--quiet")


def run_cli(
    *args: str, tmp_path: Path, prelude: str = "", umask: int | None = None, **env: str
) -> subprocess.CompletedProcess:
    """``briefwire ARGS`` in a fresh process; ``prelude`` runs in it first (fault injection)."""
    environment = {
        "BRIEFWIRE_DB": str(tmp_path / "bw.db"),
        "BRIEFWIRE_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": "",
        **env,
    }
    code = f"import errno, os, sys\n{prelude}\nfrom briefwire.cli import main\nmain()\n"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        env=environment,
        cwd=tmp_path,
        timeout=120,
        preexec_fn=None if umask is None else (lambda: os.umask(umask)),
    )


def stderr_lines(proc: subprocess.CompletedProcess, *, deprecations: int = 0) -> list[str]:
    """The non-blank stderr lines after the expected deprecation warnings; never a traceback."""
    err = proc.stderr.decode()
    assert "Traceback" not in err, err
    lines = [line for line in err.splitlines() if line.strip()]
    warnings = [line for line in lines if "deprecated" in line]
    assert len(warnings) == deprecations, err
    return [line for line in lines if line not in warnings]


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *fragments: str) -> str:
    lines = stderr_lines(proc)
    assert proc.returncode == code, proc.stderr.decode()
    assert len(lines) == 1, lines
    assert lines[0].startswith("error:"), lines
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    return lines[0]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def make_inputs(folder: Path) -> Path:
    """One good article and one empty file: a batch over it has exactly one failed item."""
    folder.mkdir()
    (folder / "strike.txt").write_text(Path(ARTICLE).read_text())
    (folder / "empty.txt").write_text("")
    return folder


# Usage errors: typer's own, which never matched the old `click.ClickException` check.


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("brief",), "Missing argument"),
        (("brief", ARTICLE, "--temperature", "5"), "--temperature"),
        (("brief", ARTICLE, "--no-such-option"), "--no-such-option"),
        (("brief", ARTICLE, "--engine", "poetry"), "--engine"),
        (("brief", ARTICLE, "--unsupported", "ignore"), "--unsupported"),
        (("batch", "in", "-o", "out", "--runner", "cloud"), "--runner"),
    ],
)
def test_usage_errors_are_one_line_and_exit_2(tmp_path, args, fragment):
    line = assert_one_line_error(run_cli(*args, tmp_path=tmp_path), 2, fragment)
    assert "--help" in line  # where to look next


def test_bare_command_shows_help_and_exits_2(tmp_path):
    proc = run_cli(tmp_path=tmp_path)
    assert proc.returncode == 2
    assert b"Traceback" not in proc.stderr
    assert b"Usage" in proc.stdout + proc.stderr


def test_version(tmp_path):
    proc = run_cli("--version", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode() == f"briefwire {metadata.version('briefwire')}\n"
    assert proc.stderr == b""


def test_python_dash_m_runs_the_same_command_with_the_same_exit_codes(tmp_path):
    env = {**os.environ, "HOME": str(tmp_path)}
    version = subprocess.run([sys.executable, "-m", "briefwire", "--version"], capture_output=True, env=env)
    assert version.returncode == 0 and version.stdout.decode().startswith("briefwire ")
    wrong = subprocess.run([sys.executable, "-m", "briefwire", "nosuch"], capture_output=True, env=env)
    assert wrong.returncode == 2 and b"No such command" in wrong.stderr and b"Traceback" not in wrong.stderr


# Backend unavailable, output and storage failures, internal errors, interrupts.


def test_unreachable_llm_url_exits_3(tmp_path):
    url = f"http://127.0.0.1:{free_port()}"
    proc = run_cli("brief", ARTICLE, "--llm-url", url, "--no-store", "--quiet", tmp_path=tmp_path)
    assert_one_line_error(proc, 3, "cannot reach the model server", url)


def test_llm_error_is_a_backend_unavailable_briefwire_error():
    err = LLMError("down")
    assert isinstance(err, errors.BackendUnavailableError) and isinstance(err, RuntimeError)
    assert err.exit_code == 3


# os.open as it fails in a read-only folder (EROFS/EACCES), for files under $BW_FAULT_DIR only.
READ_ONLY = """
_real_open = os.open
def _open(path, *args, **kwargs):
    if str(path).startswith(os.environ["BW_FAULT_DIR"]):
        raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
    return _real_open(path, *args, **kwargs)
os.open = _open
"""
# The kernel reports a full disk when the data is flushed.
FULL_DISK = """
def _fsync(fd):
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
os.fsync = _fsync
"""


def test_read_only_output_folder_exits_5(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    proc = run_cli(
        "brief",
        ARTICLE,
        *EXTRACTIVE,
        "-o",
        str(out / "b.md"),
        tmp_path=tmp_path,
        prelude=READ_ONLY,
        BW_FAULT_DIR=str(out),
    )
    assert_one_line_error(proc, 5, str(out / "b.md"), "Read-only file system")
    assert list(out.iterdir()) == []


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root ignores folder permissions")
def test_really_read_only_output_folder_exits_5(tmp_path):
    out = tmp_path / "ro"
    out.mkdir()
    out.chmod(0o555)
    try:
        proc = run_cli("brief", ARTICLE, *EXTRACTIVE, "-o", str(out / "b.md"), tmp_path=tmp_path)
    finally:
        out.chmod(0o755)
    assert_one_line_error(proc, 5, str(out / "b.md"), "Permission denied")


def test_full_disk_exits_5_and_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out" / "b.json"
    proc = run_cli("brief", ARTICLE, *EXTRACTIVE, "-o", str(target), tmp_path=tmp_path, prelude=FULL_DISK)
    assert_one_line_error(proc, 5, str(target), "No space left on device")
    assert list(target.parent.iterdir()) == []


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_full_stdout_exits_5(tmp_path):
    with open("/dev/full", "wb") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "briefwire.cli", "brief", ARTICLE, *EXTRACTIVE, "--format", "json"],
            stdout=full,
            stderr=subprocess.PIPE,
            env={"BRIEFWIRE_DB": str(tmp_path / "bw.db"), "PATH": ""},
            timeout=120,
        )
    assert_one_line_error(proc, 5, "standard output", "No space left on device")


@pytest.mark.parametrize("command", [("brief", ARTICLE, *EXTRACTIVE), ("list",)])
def test_db_that_is_not_sqlite_exits_5(tmp_path, command):
    db = tmp_path / "notes.db"
    db.write_text("these are my notes, not a database\n" * 20)
    proc = run_cli(*command, "--db", str(db), tmp_path=tmp_path)
    assert_one_line_error(proc, 5, "archive database", "not a database", "--db")


BUG = """
import briefwire.render
def _render(*args, **kwargs):
    raise ZeroDivisionError("a bug in the renderer")
briefwire.render.render = _render
"""


def test_internal_error_is_one_line_with_a_hint_and_a_traceback_on_request(tmp_path):
    proc = run_cli("brief", ARTICLE, *EXTRACTIVE, "--no-store", tmp_path=tmp_path, prelude=BUG)
    assert_one_line_error(proc, 1, "internal error", "ZeroDivisionError", "BRIEFWIRE_DEBUG=1")
    debug = run_cli(
        "brief", ARTICLE, *EXTRACTIVE, "--no-store", tmp_path=tmp_path, prelude=BUG, BRIEFWIRE_DEBUG="1"
    )
    assert debug.returncode == 1
    assert b"Traceback" in debug.stderr and b"a bug in the renderer" in debug.stderr


def test_interrupt_exits_130(tmp_path):
    prelude = """
import briefwire.ingest
def _load(*args, **kwargs):
    raise KeyboardInterrupt
briefwire.ingest.load_article = _load
"""
    proc = run_cli("brief", ARTICLE, *EXTRACTIVE, tmp_path=tmp_path, prelude=prelude)
    assert proc.returncode == 130
    assert stderr_lines(proc) == ["interrupted"]


# Failures exit non-zero.


def test_batch_with_a_failed_item_exits_1(tmp_path):
    inputs = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    proc = run_cli("batch", str(inputs), "-o", str(out), *EXTRACTIVE, tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()
    assert stderr_lines(proc) == []
    report = json.loads((out / "batch-report.json").read_text())
    assert report["counts"]["written"] == 1 and report["counts"]["failed"] == 1
    assert report["config"]["engine"] == "extractive" and report["config"]["runner"] == "local"
    assert (out / "strike.md").is_file()


def test_archive_add_with_failures_exits_1(tmp_path):
    inputs = make_inputs(tmp_path / "in")
    proc = run_cli("archive", "add", str(inputs), tmp_path=tmp_path)
    assert proc.returncode == 1, proc.stderr.decode()
    assert b"1 added" in proc.stdout and b"1 failed" in proc.stdout
    [line] = stderr_lines(proc)
    assert "empty.txt" in line


# One name for one thing: --engine llm|extractive everywhere, --runner local|ray for batch.


@pytest.mark.parametrize(
    ("spelling", "warnings"),
    [
        (("--engine", "extractive"), 0),
        (("--engine", "extractive", "--runner", "local"), 0),
        (("--mode", "extractive"), 1),  # the old --engine
        (("--mode", "extractive", "--engine", "local"), 2),  # the old --engine and --runner
    ],
)
def test_batch_option_names_and_their_old_spelling(tmp_path, spelling, warnings):
    inputs = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    proc = run_cli("batch", str(inputs), "-o", str(out), *spelling, "--quiet", tmp_path=tmp_path)
    assert stderr_lines(proc, deprecations=warnings) == []
    assert proc.returncode == 1  # the empty file
    config = json.loads((out / "batch-report.json").read_text())["config"]
    assert (config["engine"], config["runner"]) == ("extractive", "local")
    if warnings:
        assert b"use --engine extractive" in proc.stderr


def test_batch_old_and_new_spelling_that_disagree_is_a_usage_error(tmp_path):
    inputs = make_inputs(tmp_path / "in")
    args = ("batch", str(inputs), "-o", str(tmp_path / "out"), "--mode", "extractive", "--engine", "llm")
    proc = run_cli(*args, tmp_path=tmp_path)
    lines = stderr_lines(proc, deprecations=1)
    assert proc.returncode == 2 and len(lines) == 1
    assert "--mode" in lines[0] and "--engine" in lines[0]
    assert not (tmp_path / "out").exists()


# Output: -o - is stdout; files are created with the user's umask.


def test_dash_output_is_stdout(tmp_path):
    proc = run_cli("brief", ARTICLE, *EXTRACTIVE, "-o", "-", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Antwerp" in proc.stdout
    assert not (tmp_path / "-").exists()


def test_output_files_honour_the_umask(tmp_path):
    wanted = 0o666 & ~0o002
    brief_out = tmp_path / "brief.html"
    proc = run_cli("brief", ARTICLE, *EXTRACTIVE, "-o", str(brief_out), tmp_path=tmp_path, umask=0o002)
    assert proc.returncode == 0, proc.stderr.decode()
    assert stat.S_IMODE(brief_out.stat().st_mode) == wanted
    inputs = make_inputs(tmp_path / "in")
    out = tmp_path / "out"
    run_cli("batch", str(inputs), "-o", str(out), *EXTRACTIVE, tmp_path=tmp_path, umask=0o002)
    for written in (out / "strike.md", out / "batch-report.json"):
        assert stat.S_IMODE(written.stat().st_mode) == wanted, written


def test_atomic_write_failure_is_an_output_error_and_leaves_no_temporary_file(tmp_path, monkeypatch):
    def full(fd: int) -> None:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(OutputError, match="No space left"):
        atomic_write(tmp_path / "a.md", "text")
    assert not list(tmp_path.glob(f"*{TEMP_SUFFIX}")) and not (tmp_path / "a.md").exists()


def test_atomic_open_publishes_only_a_block_that_ends_normally(tmp_path):
    target = tmp_path / "sub" / "model.bin"
    with atomic_open(target) as out:
        out.write(b"first")
    with pytest.raises(ValueError), atomic_open(target) as out:
        out.write(b"second, half-checked")
        raise ValueError("failed its check")
    assert target.read_bytes() == b"first"
    assert not list(target.parent.glob(f"*{TEMP_SUFFIX}"))


# The README's exit-code table and the error tree agree.


def test_readme_lists_every_exit_code_of_the_error_tree():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("### Exit codes", 1)[1].split("\n#", 1)[0]
    documented = {int(code) for code in re.findall(r"^\| (\d+) \|", table, flags=re.M)}
    assert documented == {0, 1, 2, 3, 4, 5, 130}
    classes = [c for c in vars(errors).values() if isinstance(c, type) and issubclass(c, BriefwireError)]
    assert {c.exit_code for c in classes} <= documented
    for cls in classes:  # each class is in the docstring's tree, with its code
        assert re.search(rf"{cls.__name__}\s+{cls.exit_code}\b", errors.__doc__ or ""), cls.__name__


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_device_or_pipe_is_written_in_place_not_replaced_by_a_file(tmp_path):
    import threading

    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_bytes()))
    reader.start()
    atomic_write(pipe, "into the pipe\n")
    reader.join(5)
    assert received == [b"into the pipe\n"]
    # Still the pipe: a temporary file renamed over it would have replaced it (as it once
    # replaced /dev/null itself for `briefwire brief … -o /dev/null` run as root).
    assert stat.S_ISFIFO(os.stat(pipe).st_mode)
    assert list(tmp_path.iterdir()) == [pipe]  # no temporary file left beside it
