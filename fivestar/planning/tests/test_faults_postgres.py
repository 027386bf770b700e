"""PostgreSQL restarted under load: requests made while the database is down get a clear Chinese 503 (the page, and
JSON under /api/), never a 500 or a hang; a few seconds after it is back every request succeeds again without restarting
the app (CONN_HEALTH_CHECKS); the background worker, killed out of its task by the restart, carries on by itself and a
letter batch queued before the restart ends complete.

The machine's shared PostgreSQL is never touched: the test starts a private cluster (initdb as the postgres user) on a
free port, copies the suite's test database into it with pg_dump (schema and the world built here), runs gunicorn as
`fivestar serve` does (2 workers) and `fivestar worker` against it, fires requests from a thread and stops the cluster
(`pg_ctl stop -m fast`) and starts it again in the middle. Runs when the suite runs on PostgreSQL (DATABASE_URL) and
the PostgreSQL 15 binaries are installed; skipped with the reason otherwise.
"""

import datetime
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client

from fivestar.api.models import ApiToken
from fivestar.core.tests.faults import MARKS, children, database_url, faults, free_port, wait  # noqa: F401
from fivestar.orgs.models import Level
from fivestar.planning.services import start_letter_batch
from tests.factories import unit

pytestmark = MARKS
BIN = Path("/usr/lib/postgresql/15/bin")
Y = datetime.date.today().year + 1
DOWN = "数据库暂时不可用"


def as_postgres(*cmd: str) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else list(cmd)


class Cluster:
    """A throwaway PostgreSQL 15 cluster of our own: data directory and socket in one temp directory."""

    def __init__(self):
        self.dir = Path(tempfile.mkdtemp(prefix="fivestar-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
        self.ctl("initdb", "-D", str(self.data), "--auth=trust", "-U", "postgres", "-E", "UTF8", "--locale=C.UTF-8")

    def ctl(self, tool: str, *args: str) -> str:
        result = subprocess.run(as_postgres(str(BIN / tool), *args), capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{tool} {args}: {result.stdout[-1500:]}{result.stderr[-1500:]}"
        return result.stdout

    def start(self) -> None:
        self.ctl("pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-w", "-t", "60", "start",
                 "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1")

    def stop(self) -> None:
        self.ctl("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "-t", "60", "stop")

    def url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def copy_from(self, source_url: str, name: str) -> None:
        """Our database in this cluster: a pg_dump of the source (its schema and rows), loaded with psql."""
        self.ctl("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", name)
        dump = subprocess.run([str(BIN / "pg_dump"), "--no-owner", "--no-privileges", "--dbname", source_url],
                              capture_output=True, timeout=300)
        assert dump.returncode == 0, dump.stderr.decode()[-2000:]
        load = subprocess.run([str(BIN / "psql"), "-q", "-v", "ON_ERROR_STOP=1", "--dbname", self.url(name)], input=dump.stdout,
                              capture_output=True, timeout=300)
        assert load.returncode == 0, load.stderr.decode()[-2000:]

    def one(self, name: str, sql: str, params=()):
        import psycopg

        with psycopg.connect(self.url(name), autocommit=True, connect_timeout=5) as conn:
            return conn.execute(sql, params).fetchone()

    def remove(self) -> None:
        subprocess.run(as_postgres(str(BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"), capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)


@pytest.fixture
def cluster():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL restart: runs when the suite runs on PostgreSQL (DATABASE_URL=postgresql://…), "
                    "whose test database it copies into a private cluster")
    if not (BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL restart: the PostgreSQL 15 binaries are not installed ({BIN})")
    if os.geteuid() == 0 and not shutil.which("runuser"):
        pytest.skip("PostgreSQL restart: running as root without runuser, and initdb refuses root")
    made = Cluster()
    made.start()
    yield made
    made.remove()


class Load(threading.Thread):
    """Requests one after another (a logged-in page and an API call in turn) until stopped; each outcome with its time."""

    def __init__(self, base: str, page: str, cookie: str, api: str, token: str):
        super().__init__(daemon=True)
        self.targets = [(base + page, {"Cookie": cookie}), (base + api, {"Authorization": f"Bearer {token}"})]
        self.results = []  # (started, finished, url, status, body excerpt)
        self.running = True

    def run(self):
        n = 0
        while self.running:
            url, headers = self.targets[n % 2]
            n += 1
            started = time.monotonic()
            try:
                with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20) as response:
                    status, body = response.status, response.read().decode(errors="replace")
            except urllib.error.HTTPError as error:
                status, body = error.code, error.read().decode(errors="replace")
            except OSError as error:
                status, body = 0, repr(error)
            self.results.append((started, time.monotonic(), url, status, body[:400]))
            time.sleep(0.05)


def test_a_postgresql_restart_under_load_gives_chinese_503s_then_everything_answers_and_the_worker_resumes(plan, world, faults, cluster):  # noqa: F811
    for n in range(9):  # 12 villages: the batch runs across the restart (each letter 0.5 s late in the worker)
        unit(f"410928103{300 + n}", f"测试{n}村委会", Level.VILLAGE, world.town)
    plan.target(rating=2, stars=("cyxw", "stjy"), year=Y)
    token = ApiToken.issue(plan.town_admin, label="load")
    client = Client()
    client.force_login(plan.town_admin, backend="django.contrib.auth.backends.ModelBackend")
    cookie = f"sessionid={client.cookies['sessionid'].value}"
    faults.queue_in_database()
    batch = start_letter_batch(plan.town_admin, world.town, Y)  # queued before the restart, for the worker over there
    cluster.copy_from(database_url(), "fivestar")
    db = cluster.url("fivestar")
    status = lambda: cluster.one("fivestar", "SELECT status, done, total FROM planning_letterbatch WHERE id = %s", (batch.pk,))  # noqa: E731

    env = {"DATABASE_URL": db, "CONN_MAX_AGE": "60"}  # kept connections, as in production
    web, base = faults.web(workers=2, **env)
    master = wait(lambda: next(iter(children(web.pid)), None), 30, "gunicorn's master")
    workers = wait(lambda: (lambda w: w if len(w) == 2 else None)(children(master)), 60, "gunicorn's two workers")
    worker = faults.worker("worker", patch="fivestar.planning.services.letters:render_with~0.5", **env)
    page, api = f"/planning/letters/{world.town.code}/?year={Y}", f"/api/v1/org-units/{world.town.code}"
    load = Load(base, page, cookie, api, token)
    load.start()
    wait(lambda: status()[1] >= 3, 120, "the worker to write three letters")
    wait(lambda: sum(1 for r in load.results if r[3] == 200) >= 4, 60, "requests to succeed before the restart")

    stopped_at = time.monotonic()
    cluster.stop()
    wait(lambda: any(r[0] > stopped_at and r[3] != 200 for r in load.results), 30, "a request while the database is down")
    for url, headers in ((base + page, {"Cookie": cookie}), (base + api, {"Authorization": f"Bearer {token}"})):
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=20)
        assert refused.value.code == 503 and refused.value.headers["Retry-After"] == "5"
        body = refused.value.read().decode()
        assert DOWN in body and ('"detail"' in body if "/api/" in url else "<h1>数据库暂时不可用</h1>" in body), body[:300]
    cluster.start()
    up_at = time.monotonic()

    wait(lambda: sum(1 for r in load.results if r[0] > up_at + 3) >= 20, 120, "twenty requests after the restart")
    load.running = False
    load.join(timeout=30)
    during = [r for r in load.results if stopped_at <= r[0] <= up_at]
    after = [r for r in load.results if r[0] > up_at + 3]
    assert during and all(r[3] == 503 and DOWN in r[4] for r in during if r[3] != 200), [r[2:] for r in during if r[3] != 200]
    assert all(r[1] - r[0] < 15 for r in load.results), "no request hung"
    assert all(r[3] == 200 for r in after), [r[2:] for r in after if r[3] != 200]  # every request answers again
    assert children(master) == workers and web.alive()  # without restarting the app or its workers

    wait(lambda: status()[0] == "done", 180, "the letter batch queued before the restart to complete", every=0.5)
    worker.stop()
    assert status()[1:] == (12, 12)
    zipped = list((faults.media / "letter-batches" / str(batch.pk)).glob("*.zip"))
    assert len(zipped) == 1 and "数据库暂时不可用" in worker.output()
