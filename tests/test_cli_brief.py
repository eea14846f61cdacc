"""`briefwire brief` as a user runs it: real processes, one-line errors, exit codes, no tracebacks."""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from briefwire.llm.fake import FakeBackend
from briefwire.model import Article
from briefwire.pipeline import fit_to_context

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run_cli(*args: str, stdin: bytes | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {
        "BRIEFWIRE_DB": str(tmp_path / "bw.db"),
        "BRIEFWIRE_CACHE_DIR": str(tmp_path / "cache"),
        "PATH": "",
    }
    return subprocess.run(
        [sys.executable, "-m", "briefwire.cli", *args],
        input=stdin,
        capture_output=True,
        env=env,
        timeout=120,
    )


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int, *fragments: str) -> None:
    err = proc.stderr.decode()
    assert proc.returncode == code, err
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert lines[0].startswith("error:")
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert proc.stdout == b""


def test_missing_file(tmp_path):
    assert_one_line_error(
        run_cli("brief", str(tmp_path / "nope.txt"), tmp_path=tmp_path), 2, "nope.txt", "exist"
    )


def test_directory_instead_of_file(tmp_path):
    assert_one_line_error(run_cli("brief", str(tmp_path), tmp_path=tmp_path), 2, "directory")


@pytest.mark.parametrize("content", [b"", b"   \n\t  \n"])
def test_empty_or_whitespace(tmp_path, content):
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert_one_line_error(run_cli("brief", str(path), tmp_path=tmp_path), 2, "empty")


def test_empty_stdin(tmp_path):
    assert_one_line_error(run_cli("brief", "-", stdin=b"  \n", tmp_path=tmp_path), 2, "standard input")


def test_binary_data(tmp_path):
    path = tmp_path / "photo.txt"
    path.write_bytes(bytes(range(256)) * 20)
    assert_one_line_error(run_cli("brief", str(path), tmp_path=tmp_path), 2, "binary")


def test_html_without_article_text(tmp_path):
    path = tmp_path / "empty.html"
    path.write_text("<html><head><title>x</title></head><body><nav><a href='/'>Home</a></nav></body></html>")
    assert_one_line_error(run_cli("brief", str(path), tmp_path=tmp_path), 2, "article text")


def test_unreachable_url(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = run_cli("brief", f"http://127.0.0.1:{port}/story", tmp_path=tmp_path)
    assert_one_line_error(proc, 2, f"127.0.0.1:{port}")


@pytest.fixture()
def http_404():
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_error(404)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/missing"
    server.shutdown()


def test_http_error(tmp_path, http_404):
    assert_one_line_error(run_cli("brief", http_404, tmp_path=tmp_path), 2, "404")


def test_unknown_format(tmp_path):
    proc = run_cli(
        "brief", str(EXAMPLES / "harbour-strike.txt"), "-o", str(tmp_path / "x.docx"), tmp_path=tmp_path
    )
    assert_one_line_error(proc, 3, "docx")


def test_unknown_section(tmp_path):
    proc = run_cli(
        "brief",
        str(EXAMPLES / "harbour-strike.txt"),
        "--engine",
        "extractive",
        "--sections",
        "poems",
        tmp_path=tmp_path,
    )
    assert_one_line_error(proc, 3, "poems")


def test_non_utf8_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "latin.txt"
    text = (EXAMPLES / "harbour-strike.txt").read_text().replace("Antwerp", "Antwérp")
    path.write_bytes(text.encode("cp1252"))
    proc = run_cli("brief", str(path), "--engine", "extractive", "--format", "json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert "not valid UTF-8" in proc.stderr.decode()
    briefing = json.loads(proc.stdout)
    assert any("UTF-8" in note for note in briefing["notes"])
    assert "Antwérp" in json.dumps(briefing, ensure_ascii=False)


def test_extractive_json_to_file(tmp_path):
    out = tmp_path / "brief.json"
    proc = run_cli(
        "brief",
        str(EXAMPLES / "rate-decision.txt"),
        "--engine",
        "extractive",
        "-o",
        str(out),
        tmp_path=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr.decode()
    data = json.loads(out.read_text())
    for key in (
        "schema_version",
        "source",
        "headline",
        "key_points",
        "narrative",
        "deep_dive",
        "further_reading",
        "run",
    ):
        assert key in data
    assert data["engine"] == "extractive" and data["key_points"]


def test_stdin_article(tmp_path):
    text = (EXAMPLES / "vaccine-rollout.txt").read_bytes()
    proc = run_cli("brief", "-", "--engine", "extractive", "--format", "md", stdin=text, tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert proc.stdout.decode().startswith("\n*Grounding:") or "# " in proc.stdout.decode()


def test_long_article_is_truncated_at_a_sentence_with_a_warning():
    sentence = "The council met again on Tuesday to discuss the harbour budget in detail. "
    article = Article(title="Council", text=sentence * 400)
    backend = FakeBackend()
    backend.context = 1800  # tokens per slot, like EmbeddedBackend.context
    fitted = fit_to_context(article, backend)
    assert len(fitted.text) < len(article.text)
    assert fitted.text.rstrip().endswith("detail.")
    assert any("truncated" in w for w in fitted.warnings)


def test_archived_briefing_is_served_without_loading_the_model(tmp_path):
    from briefwire.ingest import load_article
    from briefwire.model import Briefing
    from briefwire.options import BriefOptions
    from briefwire.store import SQLiteStore

    path = EXAMPLES / "rate-decision.txt"
    model = tmp_path / "absent.gguf"  # never built: loading it would fail
    with SQLiteStore(tmp_path / "bw.db") as store:
        article_id = store.add_article(load_article(str(path)))
        stored = Briefing(headline="Stored earlier", key_points=["A point from the archive."])
        key = BriefOptions().cache_key()
        store.save_briefing(article_id, stored, key, backend="embedded", model=model.name)

    proc = run_cli("brief", str(path), "--model", str(model), "--format", "json", tmp_path=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["headline"] == "Stored earlier"
    assert "found in the archive" in proc.stderr.decode()

    # Other options are another briefing: that one needs the model, and its absence is reported.
    proc = run_cli("brief", str(path), "--model", str(model), "--seed", "7", "-q", tmp_path=tmp_path)
    assert_one_line_error(proc, 3, "model file not found")
    proc = run_cli("brief", str(path), "--model", str(model), "--force", "-q", tmp_path=tmp_path)
    assert_one_line_error(proc, 3, "model file not found")
