"""Shared steps of the fault tests (`test_faults_*.py`): real processes killed with SIGKILL in the middle of their work.

The test builds its world in pytest-django's test database with committed transactions (`django_db(transaction=True)`)
and starts `fivestar worker` (or a daily command, or gunicorn) as subprocesses against that same database and the same
MEDIA_ROOT, so it reads what they wrote with the ORM, opens the job's page with the test client as the job's owner, and
compares files byte for byte or by content. SQLite (the suite's file database) and PostgreSQL (DATABASE_URL) alike.

Slowdowns exist only in those subprocesses (fault_run.py, FIVESTAR_FAULT_PATCH). The killed process runs with a long
JOB_STALL_SECONDS so it never resumes its own job; the test and the processes after the kill use a short one (STALL).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[3]
STALL = 3  # seconds without a heartbeat before a job is 已停滞 (the test and the processes started after the kill)
NEVER = 3600  # the killed process's stall setting: it must not resume its own job while a slow step runs
DATABASE_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
IMMEDIATE_TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

# Every fault module: one xdist group (they start processes and would fight each other for the 2 cores), slow, and a
# timeout generous for a busy machine (each test takes well under a minute when the machine is quiet).
MARKS = [pytest.mark.slow, pytest.mark.xdist_group("faults"), pytest.mark.timeout(420), pytest.mark.django_db(transaction=True)]


def database_url() -> str:
    """The URL of the database this test process uses (pytest-django's test database), for the subprocesses."""
    from django.db import connection

    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{Path(s['NAME']).resolve()}"
    auth = quote(s.get("USER") or "", safe="") + (f":{quote(s['PASSWORD'], safe='')}" if s.get("PASSWORD") else "")
    return f"postgresql://{auth}@{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


def wait(condition, timeout: float, what: str, every: float = 0.1):
    started = time.monotonic()
    while time.monotonic() - started < timeout:
        value = condition()
        if value:
            print(f"[faults] {time.monotonic() - started:5.1f} s waiting for {what}")  # shown when a test fails
            return value
        time.sleep(every)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


class Process:
    def __init__(self, args: list[str], env: dict, log: Path):
        self.log = log
        with log.open("ab") as out:
            self.proc = subprocess.Popen([sys.executable, "-m", "fivestar.core.tests.fault_run", *args], env=env, cwd=ROOT,
                                         stdout=out, stderr=subprocess.STDOUT, start_new_session=True)

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def kill9(self) -> None:
        """SIGKILL, as the OOM killer or `kill -9` would: no cleanup, no finally blocks, locks and sockets just vanish."""
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)

    def stop(self) -> None:
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


class Faults:
    """The test's side: the environment of its subprocesses, and the processes to stop whatever happens."""

    def __init__(self, settings, tmp_path: Path):
        self.settings = settings
        self.tmp = tmp_path
        self.media = tmp_path / "media"
        self.media.mkdir()
        settings.MEDIA_ROOT = str(self.media)
        settings.JOB_STALL_SECONDS = STALL
        self.processes: list[Process] = []

    def env(self, *, stall: int = STALL, patch: str = "", **extra) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS", "DATABASE_URL"))}
        env.update(DJANGO_SETTINGS_MODULE="fivestar.settings.dev", DATABASE_URL=database_url(), MEDIA_ROOT=str(self.media),
                   FIVESTAR_VAR_DIR=str(self.tmp / "var"), FIVESTAR_JOB_STALL_SECONDS=str(stall), FIVESTAR_FAULT_PATCH=patch,
                   PYTHONPATH=str(ROOT), CONN_MAX_AGE="0")
        env.update({k: str(v) for k, v in extra.items()})
        return env

    def start(self, *args: str, name: str, **env) -> Process:
        process = Process(list(args), self.env(**env), self.tmp / f"{name}.log")
        self.processes.append(process)
        return process

    def worker(self, name: str = "worker", **env) -> Process:
        return self.start("worker", "--interval", "0.2", "--no-startup-delay", name=name, **env)

    def web(self, workers: int = 2, name: str = "web", **env) -> tuple[Process, str]:
        """gunicorn (`fivestar serve`'s command line) on a free port; returns the process and its base URL once it answers."""
        port = free_port()
        process = self.start("web", str(port), str(workers), name=name, WEB_CONCURRENCY=workers, **env)
        base = f"http://127.0.0.1:{port}"
        wait(lambda: answers(base + "/login/") or not process.alive(), 180, "gunicorn to answer", every=0.3)
        assert process.alive(), process.output()[-3000:]
        return process, base

    def fivestar(self, *args: str, timeout: int = 240, **env) -> subprocess.CompletedProcess:
        result = subprocess.run([sys.executable, "-m", "fivestar.core.tests.fault_run", *args], env=self.env(**env), cwd=ROOT,
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-3000:]
        return result

    def queue_in_database(self) -> None:
        """From now on this process queues tasks for the worker subprocess instead of running them at once."""
        self.settings.TASKS = DATABASE_TASKS

    def run_here(self) -> None:
        self.settings.TASKS = IMMEDIATE_TASKS

    def close(self) -> None:
        for process in self.processes:
            process.stop()


@pytest.fixture
def faults(settings, tmp_path):
    harness = Faults(settings, tmp_path)
    yield harness
    harness.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status == 200
    except OSError:
        return False


def children(pid: int) -> set[int]:
    """The processes whose parent is `pid` (gunicorn's workers under its master)."""
    out = set()
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as fh:
                    fields = fh.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid and fields[0] != "Z":
                out.add(int(entry))
    return out


def socket_owner(client_port: int, pids) -> int | None:
    """Which of `pids` holds the server side of our TCP connection (the one whose peer port is `client_port`)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = open(table).read().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if int(parts[2].rsplit(":", 1)[1], 16) == client_port:
                inodes.add(f"socket:[{parts[9]}]")
    for pid in pids:
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                if os.readlink(f"/proc/{pid}/fd/{fd}") in inodes:
                    return pid
            except OSError:
                continue
    return None


def page(user, url: str) -> tuple[int, str]:
    """The page as `user` sees it (the test client, logged in as the job's owner)."""
    from django.test import Client

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    response = client.get(url)
    return response.status_code, response.content.decode()


def task_results(task_path: str, status: str | None = None) -> int:
    from django_tasks_db.models import DBTaskResult

    results = DBTaskResult.objects.filter(task_path=task_path)
    return (results.filter(status=status) if status else results).count()


def settled(task_path: str) -> bool:
    """No result of this task is left READY or RUNNING (the killed one marked failed, the resumed one finished)."""
    return task_results(task_path, "RUNNING") == 0 and task_results(task_path, "READY") == 0
