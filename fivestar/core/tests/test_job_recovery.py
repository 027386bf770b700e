"""A worker killed with kill -9 in the middle of a job: the job shows 已停滞, and the next worker finishes it
with exactly the rows an uninterrupted run makes (no duplicates, the counter right).

Real processes: `fivestar worker` (django-tasks-db) runs as a subprocess against a database of its own —
a SQLite file, or a PostgreSQL database when the suite runs with DATABASE_URL — and is killed with SIGKILL.
Each step that needs Django runs in `recovery_helper` as its own process against the same database.
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[3]
STALL_SECONDS = 2


class Database:
    """A database for the subprocesses, with its own FIVESTAR_VAR_DIR (media, progress files)."""

    def __init__(self, var_dir: Path, pg_url: str | None = None):
        self.var_dir = var_dir
        self.pg_url = pg_url
        var_dir.mkdir(parents=True, exist_ok=True)

    @property
    def env(self) -> dict:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
        env.update(DJANGO_SETTINGS_MODULE="fivestar.settings.dev", FIVESTAR_VAR_DIR=str(self.var_dir),
                   FIVESTAR_JOB_STALL_SECONDS=str(STALL_SECONDS), FIVESTAR_ROUND_OPEN_BATCH="30", PYTHONPATH=str(ROOT))
        env.pop("DATABASE_URL", None)
        if self.pg_url:
            env["DATABASE_URL"] = self.pg_url
        return env

    def copy(self, var_dir: Path) -> "Database":
        if self.pg_url:
            base, name = self.pg_url.rsplit("/", 1)
            new = f"{name[:40]}_{uuid.uuid4().hex[:6]}"
            _pg_admin(base, f'CREATE DATABASE "{new}" TEMPLATE "{name}"')
            return Database(var_dir, f"{base}/{new}")
        shutil.copytree(self.var_dir, var_dir, dirs_exist_ok=True)
        return Database(var_dir)

    def drop(self) -> None:
        if self.pg_url:
            base, name = self.pg_url.rsplit("/", 1)
            _pg_admin(base, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def one(self, sql: str, params=()):
        if self.pg_url:
            import psycopg

            with psycopg.connect(self.pg_url, autocommit=True) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchone()
        conn = sqlite3.connect(self.var_dir / "fivestar.sqlite3", timeout=30)
        try:
            return conn.execute(sql, params).fetchone()
        finally:
            conn.close()

    def run(self, *args: str, timeout: int = 180) -> object:
        result = subprocess.run([sys.executable, "-m", "fivestar.core.tests.recovery_helper", *args], env=self.env, cwd=ROOT,
                                capture_output=True, text=True, timeout=timeout)
        assert result.returncode == 0, result.stderr[-3000:]
        return json.loads(result.stdout.strip().splitlines()[-1])

    def fivestar(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "fivestar.cli", *args], env=self.env, cwd=ROOT, capture_output=True,
                              text=True, timeout=180)

    def worker(self, log: Path) -> subprocess.Popen:
        handle = log.open("ab")
        return subprocess.Popen([sys.executable, "-m", "fivestar.cli", "worker", "--interval", "0.2", "--no-startup-delay"],
                                env=self.env, cwd=ROOT, stdout=handle, stderr=subprocess.STDOUT)


def _pg_admin(base: str, sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        conn.execute(sql)


def _wait(condition, timeout: float, what: str, every: float = 0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Migrated once, with 1,500 villages, the shipped frameworks and a draft province round; tests copy it."""
    root = tmp_path_factory.mktemp("recovery")
    pg_url = None
    if os.environ.get("DATABASE_URL", "").startswith("postgres"):
        base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
        pg_url = f"{base}/fs_recovery_{os.getpid()}"
        _pg_admin(base, f'DROP DATABASE IF EXISTS "fs_recovery_{os.getpid()}"')
        _pg_admin(base, f'CREATE DATABASE "fs_recovery_{os.getpid()}"')
    db = Database(root / "template", pg_url)
    migrated = db.fivestar("migrate", "--noinput", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    db.round_id = db.run("setup-round", "1500")
    yield db
    db.drop()


def test_a_killed_round_opening_resumes_and_makes_exactly_the_rows_of_an_uninterrupted_one(template, tmp_path):
    reference = template.copy(tmp_path / "reference")
    killed = template.copy(tmp_path / "killed")
    try:
        round_id = template.round_id
        reference.run("open-here", str(round_id))
        expected = reference.run("dump-round", str(round_id))
        assert expected["phase"] == "open" and expected["open_done"] == expected["open_total"] == len(expected["rows"]) > 1000

        log = tmp_path / "worker.log"
        worker = killed.worker(log)
        try:
            killed.run("open", str(round_id))
            progress = lambda: killed.one("SELECT open_done, open_total, phase FROM rating_round WHERE id = ?", (round_id,))  # noqa: E731
            _wait(lambda: progress()[0] > 0, 60, "the worker to create the first batch")
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        finally:
            _stop(worker)
        done, total, phase = progress()
        assert phase == "opening" and 0 < done < total, "the worker was killed mid-way"
        time.sleep(0.5)
        assert progress()[0] == done  # nothing runs any more

        # Reopening is refused, but the page says the job stopped, and offers 继续.
        time.sleep(STALL_SECONDS + 0.5)
        page = killed.run("page", f"/rating/rounds/{round_id}/")
        assert page["status"] == 200 and "已停滞" in page["html"] and 'data-testid="progress-resume"' in page["html"]

        # A new worker resumes it by itself.
        worker = killed.worker(log)
        try:
            _wait(lambda: progress()[2] == "open", 90, "the resumed opening to finish", every=0.2)
            # The phase turns "open" a moment before the resumed task's own result is stored: stopping the worker in
            # between would leave that (healthy) result RUNNING; the killed run's result must be marked failed.
            running = lambda: killed.one("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")[0]  # noqa: E731
            _wait(lambda: running() == 0, 60, "the killed and the resumed task results to be settled", every=0.2)
        finally:
            _stop(worker)
        got = killed.run("dump-round", str(round_id))
        assert got["open_done"] == got["open_total"] == expected["open_total"]
        assert got["rows"] == expected["rows"]
        assert got["events"] == expected["events"]
        failed = killed.one("SELECT COUNT(*) FROM django_tasks_database_dbtaskresult WHERE status = 'RUNNING'")
        assert failed[0] == 0, "the killed worker's task result is not left RUNNING"
        assert "继续已停滞的任务" in log.read_text(errors="replace")
    finally:
        reference.drop()
        killed.drop()


def test_a_killed_division_import_resumes_and_imports_everything_once(template, tmp_path):
    files = tmp_path / "files"
    template.run("generate", str(files), "4000")
    reference = template.copy(tmp_path / "reference")
    killed = template.copy(tmp_path / "killed")
    try:
        reference.run("import-here", str(files))
        expected = reference.run("dump-units")

        log = tmp_path / "worker.log"
        worker = killed.worker(log)
        try:
            job_id = killed.run("divisions-job", str(files))
            progress_file = killed.var_dir / "media" / "imports" / str(job_id) / "progress.json"

            def writing():
                try:
                    data = json.loads(progress_file.read_text())
                except (OSError, ValueError):
                    return False
                return 0 < data["done"] < data["total"] and data["done"] > data["total"] // 4

            _wait(writing, 90, "the import to start writing")
            worker.send_signal(signal.SIGKILL)
            worker.wait()
        finally:
            _stop(worker)
        status = lambda: killed.one("SELECT status FROM imports_importjob WHERE id = ?", (job_id,))[0]  # noqa: E731
        assert status() == "running"
        assert killed.one("SELECT COUNT(*) FROM orgs_orgunit")[0] < len(expected["units"])  # rolled back

        time.sleep(STALL_SECONDS + 0.5)
        page = killed.run("page", f"/imports/divisions/{job_id}/")
        assert page["status"] == 200 and "已停滞" in page["html"] and 'data-testid="job-resume"' in page["html"]

        worker = killed.worker(log)
        try:
            _wait(lambda: status() in ("done", "failed"), 120, "the resumed import to finish", every=0.2)
        finally:
            _stop(worker)
        assert status() == "done"
        got = killed.run("dump-units")
        assert got["units"] == expected["units"]
        assert got["history"] == expected["history"]
    finally:
        reference.drop()
        killed.drop()


def test_demo_supervisor_restarts_a_worker_that_died(tmp_path):
    """`fivestar demo` keeps its worker running: one that dies (killed, crashed) is started again."""
    starts = tmp_path / "starts"
    code = (
        "import subprocess, sys; from fivestar.cli import _supervise\n"
        f"worker = lambda: subprocess.Popen(['sh', '-c', 'echo x >> {starts}; exit 1'])\n"
        "_supervise([subprocess.Popen(['sleep', '4']), worker()], restart={1: worker})\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, timeout=60, check=True)
    assert len(starts.read_text().split()) >= 2
