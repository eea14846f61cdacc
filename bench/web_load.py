"""A bounded load test of the web app on loopback (issue 13).

Starts ``briefwire serve`` (a fresh archive, one worker, a token) and sends --clients client
threads, each submitting --per-client articles of ../shared/data/bbc-news-2095 through the JSON
API; every --model-every'th submission asks the model (sections --model-sections), the rest the
extractive engine, and one client also sends a --big-chars pasted text (cut by the server, with a
note). Clients then poll their jobs until each has ended. Meanwhile the server's resident memory
is sampled from /proc. At the end the server gets SIGTERM and the time it takes to exit is
measured.

Checks, printed as PASS/FAIL: every job ended (done, or failed with a reason); every done job's
briefing is served; no job is lost (the archive holds a briefing per done job); the server's
peak RSS stays under --max-rss-mb; it exits within 5 s of SIGTERM.

    python bench/web_load.py                          # 5 clients x 4, one in 4 on the model
    python bench/web_load.py --model-every 0          # extractive only (no model needed)

Reads ../shared/data. Nothing else should run meanwhile (the script prints the load average).
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NEWS = ROOT.parent / "shared" / "data" / "bbc-news-2095" / "news"
TOKEN = "load-test-token"
ENDED = ("done", "failed", "cancelled", "interrupted")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Api:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"

    def call(self, method: str, path: str, body: dict | None = None) -> tuple[int, dict]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base + path,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {TOKEN}", "Content-Type": "application/json"},
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, json.loads(response.read() or b"{}")
        except urllib.error.HTTPError as err:
            return err.code, json.loads(err.read() or b"{}")


def wait_until_up(api: Api, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited ({server.returncode})")
        try:
            if api.call("GET", "/api/archive")[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.3)
    raise SystemExit("the server did not start")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=5)
    parser.add_argument("--per-client", type=int, default=4)
    parser.add_argument("--model-every", type=int, default=4, help="every Nth job on the model; 0: none")
    parser.add_argument("--model-sections", default="headline,key_points")
    parser.add_argument("--big-chars", type=int, default=1_500_000)
    parser.add_argument("--max-rss-mb", type=float, default=3000.0)
    parser.add_argument("--deadline", type=float, default=1500.0, help="seconds for all jobs to end")
    args = parser.parse_args()
    if not NEWS.is_dir():
        print(f"needs {NEWS} (../shared/data)", file=sys.stderr)
        return 2
    articles = sorted(NEWS.glob("*/*.txt"))[::37][: args.clients * args.per_client]
    corpus = "\n\n".join(
        p.read_text(encoding="utf-8", errors="replace") for p in sorted(NEWS.glob("*/*.txt"))[:900]
    )

    print("# bench/web_load.py")
    print(
        f"- run: {datetime.datetime.now():%Y-%m-%d %H:%M}, Python {platform.python_version()}, "
        f"{os.cpu_count()} cores, load average before {os.getloadavg()[0]:.2f}"
    )
    print(f"- command: {' '.join([Path(sys.executable).name, *sys.argv])}")
    on_model = (
        f"every {args.model_every}th on the model ({args.model_sections})"
        if args.model_every
        else "none on the model"
    )
    print(
        f"- {args.clients} clients x {args.per_client} submissions, {on_model}, "
        f"plus one {args.big_chars:,}-character paste; "
        "server: one worker, --rate-limit 60 (all clients are 127.0.0.1, one client to the limiter)\n"
    )

    with tempfile.TemporaryDirectory() as tmp:
        port = free_port()
        env = {**os.environ, "BRIEFWIRE_TOKEN": TOKEN, "BRIEFWIRE_LOG": "warning"}
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "briefwire",
                "serve",
                "--port",
                str(port),
                "--db",
                f"{tmp}/load.db",
                "--rate-limit",
                "60",
                "--job-timeout",
                "900",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        api = Api(port)
        wait_until_up(api, server)
        peak = [rss_mb(server.pid)]
        sampling = threading.Event()

        def sample() -> None:
            while not sampling.is_set():
                try:
                    peak.append(rss_mb(server.pid))
                except OSError:
                    return
                time.sleep(0.25)

        threading.Thread(target=sample, daemon=True).start()
        jobs: list[dict] = []
        lock = threading.Lock()
        started = time.monotonic()

        def client(number: int) -> None:
            mine = articles[number * args.per_client : (number + 1) * args.per_client]
            requests = []
            for k, path in enumerate(mine):
                index = number * args.per_client + k
                on_model = args.model_every and index % args.model_every == args.model_every - 1
                body: dict = {"text": path.read_text(encoding="utf-8", errors="replace")}
                if on_model:
                    body |= {"engine": "llm", "sections": args.model_sections.split(",")}
                else:
                    body |= {"engine": "extractive"}
                requests.append((path.name, body["engine"], body))
            if number == 0 and args.big_chars:
                requests.append(
                    ("big paste", "extractive", {"text": corpus[: args.big_chars], "engine": "extractive"})
                )
            for name, engine, body in requests:
                submitted = time.monotonic()
                status, reply = api.call("POST", "/api/briefings", body)
                record = {
                    "client": number,
                    "name": name,
                    "engine": engine,
                    "submitted": submitted,
                    "http": status,
                    "id": reply.get("id"),
                    "detail": reply.get("detail"),
                }
                with lock:
                    jobs.append(record)
            for record in [j for j in jobs if j["client"] == number and j["id"]]:
                while time.monotonic() - started < args.deadline:
                    _, job = api.call("GET", f"/api/jobs/{record['id']}")
                    if job.get("status") in ENDED:
                        record.update(
                            status=job["status"],
                            error=job.get("error"),
                            briefing_id=job.get("briefing_id"),
                            ended=time.monotonic(),
                        )
                        break
                    time.sleep(1.0)

        threads = [threading.Thread(target=client, args=(n,)) for n in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        total = time.monotonic() - started

        served = 0
        notes = 0
        for record in jobs:
            if record.get("status") == "done":
                status, briefing = api.call("GET", f"/api/briefings/{record['briefing_id']}")
                served += status == 200
                notes += bool(briefing.get("notes")) if record["name"] == "big paste" else 0
        _, archive = api.call("GET", "/api/archive?limit=200")
        stored = len(archive.get("recent", []))
        sampling.set()
        time.sleep(0.3)
        stop_started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        stop_seconds = time.monotonic() - stop_started

    by_status: dict[str, int] = {}
    for record in jobs:
        key = record.get("status") or f"http {record['http']}"
        by_status[key] = by_status.get(key, 0) + 1
    done = [r for r in jobs if r.get("status") == "done"]
    print(f"{'engine':<11} {'jobs':>4} {'done':>4} {'median s':>9} {'max s':>7}   (submission to end)")
    for engine in ("extractive", "llm"):
        mine = [r for r in jobs if r["engine"] == engine]
        nan = float("nan")
        took = [r["ended"] - r["submitted"] for r in mine if "ended" in r]
        if mine:
            print(
                f"{engine:<11} {len(mine):>4} {sum(r.get('status') == 'done' for r in mine):>4} "
                f"{statistics.median(took) if took else nan:>9.1f} {max(took, default=nan):>7.1f}"
            )
    for record in jobs:
        if record.get("status") != "done":
            print(
                f"  not done: {record['name']} ({record['engine']}): "
                f"{record.get('status') or record['http']}: {record.get('error') or record.get('detail')}"
            )
    print(
        f"\nall ended in {total:.0f} s; statuses {by_status}; server peak RSS {max(peak):.0f} MB "
        f"(sampled every 0.25 s); exit after SIGTERM {stop_seconds:.1f} s"
    )
    checks = {
        "every job ended, done or failed with a reason": all(
            r.get("status") == "done" or (r.get("status") in ENDED and r.get("error")) for r in jobs
        )
        and all(r["id"] for r in jobs),
        "every done job's briefing is served": served == len(done),
        "nothing lost: one archived briefing per done job": stored == len(done),
        "the cut paste says so in a note": notes == 1 or not args.big_chars,
        f"server peak RSS under {args.max_rss_mb:.0f} MB": max(peak) < args.max_rss_mb,
        "exits within 5 s of SIGTERM": stop_seconds < 5,
    }
    for name, ok in checks.items():
        print(f"{'PASS' if ok else 'FAIL'}  {name}")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
