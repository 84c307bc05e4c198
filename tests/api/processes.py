"""`sarto serve` processes for tests on real sockets: start them on free ports, wait until they are
ready, freeze one (SIGSTOP) so a test knows nothing in it moves, kill it (SIGKILL), stop them."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from api.live import free_port

READY_TIMEOUT_S = 120.0


@dataclass
class Worker:
    proc: subprocess.Popen[bytes]
    url: str
    log: Path  # the process's stderr: a file, so a chatty worker never blocks on a full pipe

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log_tail(self, chars: int = 4000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else ""

    def wait_ready(self, deadline: float) -> None:
        while True:
            assert self.proc.poll() is None, f"worker {self.url} exited:\n{self.log_tail()}"
            try:
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, f"worker {self.url} not ready:\n{self.log_tail()}"
            time.sleep(0.2)

    def freeze(self) -> None:
        """SIGSTOP, then wait until every thread of the process is stopped: from here on nothing
        in it runs (no turn step, no heartbeat) until `thaw`."""
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 5
        while not _all_threads_stopped(self.pid):
            assert time.monotonic() < deadline, f"worker {self.url} did not stop"
            time.sleep(0.001)

    def thaw(self) -> None:
        if self.proc.poll() is None:
            os.kill(self.pid, signal.SIGCONT)

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, as when a machine dies."""
        os.kill(self.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc.poll() is not None:
            return
        self.thaw()  # a frozen process would keep the SIGTERM pending forever
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _all_threads_stopped(pid: int) -> bool:
    states = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:  # the state follows the command name, which is in parentheses and may hold spaces
            states.append((task / "stat").read_text().rsplit(")", 1)[1].split()[0])
        except (FileNotFoundError, ProcessLookupError):
            continue  # a thread that just exited
    return bool(states) and all(s in ("T", "t") for s in states)


def start_workers(env: dict[str, str], log_dir: Path, count: int) -> list[Worker]:
    """`count` workers of `sarto serve` on 127.0.0.1, started together, once all are ready."""
    workers: list[Worker] = []
    try:
        for _ in range(count):
            port = free_port()
            log = log_dir / f"worker-{port}.log"
            with log.open("wb") as stderr:
                proc = subprocess.Popen(
                    [sys.executable, "-c", "from agent.cli import main; main()", "serve",
                     "--host", "127.0.0.1", "--port", str(port)],
                    env=env, stdout=subprocess.DEVNULL, stderr=stderr)
            workers.append(Worker(proc, f"http://127.0.0.1:{port}", log))
        deadline = time.monotonic() + READY_TIMEOUT_S
        for worker in workers:
            worker.wait_ready(deadline)
    except BaseException:
        for worker in workers:
            worker.stop()
        raise
    return workers


@contextmanager
def running_workers(env: dict[str, str], log_dir: Path, count: int) -> Iterator[list[Worker]]:
    """Workers that are stopped (or found dead) on the way out, whatever the test did to them."""
    workers = start_workers(env, log_dir, count)
    try:
        yield workers
    finally:
        for worker in workers:
            worker.stop()
