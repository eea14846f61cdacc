"""Model processes take turns on the CPU: one process's calls at a time, alternating call by call."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest

from briefwire.llm.turns import MachineTurns

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="flock is POSIX")

# A second process that takes one turn, says when it got it, holds it a moment, and leaves.
OTHER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from briefwire.llm.turns import MachineTurns
    turns = MachineTurns(Path(sys.argv[1]))
    print("waiting", flush=True)
    with turns.turn():
        print(f"got {time.monotonic()}", flush=True)
        time.sleep(float(sys.argv[2]))
    """
)


def start_other(folder: Path, hold: float) -> subprocess.Popen:
    other = subprocess.Popen(
        [sys.executable, "-c", OTHER, str(folder), str(hold)], stdout=subprocess.PIPE, text=True
    )
    assert other.stdout is not None and other.stdout.readline().strip() == "waiting"
    return other


def test_a_second_process_waits_until_the_first_ends_its_call(tmp_path: Path) -> None:
    turns = MachineTurns(tmp_path)
    with turns.turn():
        other = start_other(tmp_path, 0.0)
        time.sleep(0.5)
        released = time.monotonic()
    out, _ = other.communicate(timeout=20)
    got = float(out.split()[-1])
    assert got >= released  # it got the turn only once this process's call had ended


def test_calls_of_one_process_share_its_turn(tmp_path: Path) -> None:
    turns = MachineTurns(tmp_path)
    inside = threading.Event()
    with turns.turn():
        # A second call of the same process (a batch's other slot) does not wait for the first.
        def second() -> None:
            with turns.turn():
                inside.set()

        thread = threading.Thread(target=second)
        thread.start()
        assert inside.wait(5)
        thread.join()


def test_a_busy_process_hands_the_turn_to_a_waiting_one(tmp_path: Path) -> None:
    """Two threads of this process keep calling, overlapping, so its turn never ends by itself;
    a waiting process still gets in, after the calls already running."""
    turns = MachineTurns(tmp_path)
    stop = threading.Event()
    starts: list[float] = []

    def busy() -> None:
        while not stop.is_set():
            with turns.turn():
                starts.append(time.monotonic())
                time.sleep(0.1)

    workers = [threading.Thread(target=busy) for _ in range(2)]
    for w in workers:
        w.start()
    time.sleep(0.3)
    other = start_other(tmp_path, 0.5)
    out, _ = other.communicate(timeout=20)
    got = float(out.split()[-1])
    stop.set()
    for w in workers:
        w.join()
    # While the other process held the turn, this one started no call.
    assert not [t for t in starts if got < t < got + 0.45]
    assert [t for t in starts if t > got]  # and it went on afterwards


def test_a_process_that_dies_with_the_turn_leaves_it_free(tmp_path: Path) -> None:
    holder = subprocess.Popen(
        [sys.executable, "-c", OTHER, str(tmp_path), "30"], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None
    holder.stdout.readline()
    assert holder.stdout.readline().startswith("got")
    holder.kill()
    holder.wait()
    turns = MachineTurns(tmp_path)
    acquired = threading.Event()

    def take() -> None:
        with turns.turn():
            acquired.set()

    threading.Thread(target=take, daemon=True).start()
    assert acquired.wait(5)  # the kernel dropped the dead process's lock
