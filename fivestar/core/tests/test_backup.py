"""`fivestar backup` and `fivestar restore` with real databases and real files.

The source is the test database, populated with the project's factories, an evidence file and history rows, and
backed up in this process. Each restore runs `fivestar restore` as its own process with DATABASE_URL and
FIVESTAR_VAR_DIR pointing at the target, as an operator would. Restored instances are compared by backing them up
again: every model's rows (as parsed JSON, so jsonb's key order does not matter) and every file's bytes must equal
the original's. Migrating a target is the slow part: SQLite targets copy one migrated empty file.
"""

import json
import os
import shutil
import subprocess
import sys
import threading
import uuid
import zipfile
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from fivestar.core.backup import MANIFEST, backup
from fivestar.core.roles import Role
from fivestar.orgs.models import OrgUnit
from tests.factories import World

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

ROOT = Path(__file__).resolve().parents[3]
# The suite's own PostgreSQL server when it runs on one, else the local one (the test skips when there is none).
PG_BASE = (os.environ["DATABASE_URL"].rsplit("/", 1)[0] if os.environ.get("DATABASE_URL", "").startswith("postgres")
           else os.environ.get("FIVESTAR_TEST_PG_BASE", "postgresql://postgres@127.0.0.1:5432"))


def _env(var_dir: Path, database_url: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.update(DJANGO_SETTINGS_MODULE="fivestar.settings.dev", FIVESTAR_VAR_DIR=str(var_dir), DATABASE_URL=database_url,
               PYTHONPATH=str(ROOT))
    env.pop("MEDIA_ROOT", None)
    return env


def fivestar(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "fivestar.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def rows_and_files(archive_path: Path) -> tuple[dict, dict]:
    """Every model's rows (parsed) and every file's bytes in an archive."""
    rows, files = {}, {}
    with zipfile.ZipFile(archive_path) as archive:
        for name in archive.namelist():
            if name.startswith("data/"):
                rows[name] = [json.loads(line) for line in archive.read(name).decode().splitlines() if line.strip()]
            elif name.startswith("media/"):
                files[name] = archive.read(name)
    return rows, files


@pytest.fixture(scope="module")
def empty_sqlite(tmp_path_factory):
    """One migrated, empty SQLite instance; each SQLite target is a copy (restore's own migrate is then a no-op)."""
    var = tmp_path_factory.mktemp("empty-sqlite")
    result = fivestar(_env(var, f"sqlite:///{var / 'fivestar.sqlite3'}"), "migrate", "--noinput", "-v", "0")
    assert result.returncode == 0, result.stderr[-3000:]
    return var / "fivestar.sqlite3"


def sqlite_target(empty_sqlite: Path, var: Path) -> dict:
    var.mkdir(parents=True, exist_ok=True)
    shutil.copy(empty_sqlite, var / "fivestar.sqlite3")
    return _env(var, f"sqlite:///{var / 'fivestar.sqlite3'}")


@pytest.fixture
def populated(settings, tmp_path):
    """A small instance: the factories' hierarchy and users, an evidence file, a renamed village (history rows)."""
    from fivestar.rating.models import Evidence

    settings.MEDIA_ROOT = str(tmp_path / "source-media")
    world = World()
    content = b"%PDF-1.4 evidence \x00\xff" + os.urandom(2048)
    evidence = Evidence(org_unit=world.village, kind="document", original_name="党员大会记录.pdf", content_type="application/pdf",
                        extension=".pdf", size=len(content), sha256="ab" * 32, uploaded_by=world.users[Role.VILLAGE_CADRE])
    evidence.file.save("x.pdf", ContentFile(content), save=True)
    default_storage.save("briefings/2024/简报.docx", ContentFile(b"PK\x03\x04 docx bytes"))
    world.village.name = "西辛庄村"
    world.village.save()
    world.users[Role.VILLAGE_CADRE].groups.create(name="书记")
    return world


def test_backup_restore_gives_identical_rows_and_files(populated, tmp_path, empty_sqlite):
    from fivestar.orgs.models import HistoricalOrgUnit

    assert HistoricalOrgUnit.objects.filter(history_type="~").exists()
    archive = tmp_path / "backup.zip"
    manifest = backup(archive)
    assert manifest["row_counts"]["orgs.orgunit"] == OrgUnit.objects.count()
    assert manifest["row_counts"]["orgs.historicalorgunit"] == HistoricalOrgUnit.objects.count()
    assert manifest["files"] == 2 and manifest["missing_files"] == []
    assert "django_tasks_database.dbtaskresult" in manifest["skipped"] and "sessions.session" in manifest["skipped"]
    assert set(manifest["migrations"]) >= {"orgs", "rating", "auth"}

    target = sqlite_target(empty_sqlite, tmp_path / "target")
    restored = fivestar(target, "restore", str(archive))
    assert restored.returncode == 0, restored.stderr[-3000:]
    assert "恢复完成" in restored.stdout and "orgs.orgunit" in restored.stdout

    # The files, byte for byte, where the target's storage keeps them.
    media = tmp_path / "target" / "media"
    source_media = Path(default_storage.location)
    source_files = {p.relative_to(source_media): p.read_bytes() for p in source_media.rglob("*") if p.is_file()}
    assert len(source_files) == 2
    assert {p.relative_to(media): p.read_bytes() for p in media.rglob("*") if p.is_file()} == source_files

    # Every model's rows: the restored instance backed up again holds exactly the same rows.
    again = tmp_path / "again.zip"
    result = fivestar(target, "backup", "--output", str(again))
    assert result.returncode == 0, result.stderr[-3000:]
    assert rows_and_files(again) == rows_and_files(archive)
    with zipfile.ZipFile(again) as z:
        assert json.loads(z.read(MANIFEST))["row_counts"] == manifest["row_counts"]

    # A second restore into the now non-empty instance is refused and changes nothing.
    refused = fivestar(target, "restore", str(archive))
    assert refused.returncode != 0
    assert "目标数据库已有数据" in refused.stderr and "未做任何更改" in refused.stderr
    third = tmp_path / "third.zip"
    assert fivestar(target, "backup", "--output", str(third)).returncode == 0
    assert rows_and_files(third) == rows_and_files(archive)


def _tampered(archive: Path, out: Path, change) -> Path:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, change(info.filename, source.read(info.filename)))
    return out


def test_a_tampered_archive_is_refused_and_nothing_changes(populated, tmp_path, empty_sqlite):
    archive = tmp_path / "backup.zip"
    backup(archive)
    edited = _tampered(archive, tmp_path / "edited.zip", lambda name, data: data.replace("西辛庄村".encode(), "东辛庄村".encode())
                       if name == "data/orgs.OrgUnit.jsonl" else data)
    target = sqlite_target(empty_sqlite, tmp_path / "target")
    db = tmp_path / "target" / "fivestar.sqlite3"
    before = db.read_bytes()
    result = fivestar(target, "restore", str(edited))
    assert result.returncode != 0
    assert "data/orgs.OrgUnit.jsonl 校验值与清单不符" in result.stderr and "未做任何更改" in result.stderr
    assert db.read_bytes() == before
    assert not (tmp_path / "target" / "media").exists() or not any((tmp_path / "target" / "media").rglob("*.*"))

    # A file slipped in that the manifest does not list, and a file changed: both refused the same way.
    added = tmp_path / "added.zip"
    shutil.copy(archive, added)
    with zipfile.ZipFile(added, "a") as z:
        z.writestr("media/evil.html", b"<script>")
    result = fivestar(target, "restore", str(added))
    assert result.returncode != 0 and "清单中没有的文件" in result.stderr
    swapped = _tampered(archive, tmp_path / "swapped.zip", lambda name, data: b"forged" if name.startswith("media/evidence/") else data)
    result = fivestar(target, "restore", str(swapped))
    assert result.returncode != 0 and "大小与清单不符" in result.stderr  # refused before it is even read
    assert db.read_bytes() == before


def test_the_backup_reads_one_snapshot_while_the_app_keeps_writing(populated, tmp_path):
    """A unit created by another connection while the backup runs is not in the archive (and the writer is not
    blocked: it commits during the backup)."""
    before = OrgUnit.objects.count()
    created = []

    def write_meanwhile(line):
        if created or "auth.user" not in line:
            return

        def create():
            from django.db import connection

            try:
                OrgUnit.objects.create(code="410928103299", name="备份期间新建村", level=populated.village.level,
                                       parent=populated.town)
                created.append(True)
            finally:
                connection.close()

        thread = threading.Thread(target=create)
        thread.start()
        thread.join(timeout=60)

    manifest = backup(tmp_path / "backup.zip", say=write_meanwhile)
    assert created == [True]
    assert OrgUnit.objects.count() == before + 1
    assert manifest["row_counts"]["orgs.orgunit"] == before
    rows, _ = rows_and_files(tmp_path / "backup.zip")
    assert "备份期间新建村" not in json.dumps(rows, ensure_ascii=False)


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG_BASE}/postgres", autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def test_sqlite_to_postgresql_and_back(populated, tmp_path, empty_sqlite):
    """A town's instance moves into a PostgreSQL database and back into SQLite with identical rows and files."""
    try:
        import psycopg

        psycopg.connect(f"{PG_BASE}/postgres", connect_timeout=3).close()
    except Exception as exc:  # no PostgreSQL here: the SQLite tests above still ran
        pytest.skip(f"PostgreSQL not reachable at {PG_BASE}: {exc}")
    archive = tmp_path / "town.zip"
    backup(archive)
    name = f"fs_restore_{uuid.uuid4().hex[:10]}"
    _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        county = _env(tmp_path / "county", f"{PG_BASE}/{name}")
        restored = fivestar(county, "restore", str(archive))
        assert restored.returncode == 0, restored.stderr[-3000:]
        from_pg = tmp_path / "from-pg.zip"
        result = fivestar(county, "backup", "--output", str(from_pg))
        assert result.returncode == 0, result.stderr[-3000:]
        with zipfile.ZipFile(from_pg) as z:
            assert json.loads(z.read(MANIFEST))["database_engine"] == "postgresql"
        assert rows_and_files(from_pg) == rows_and_files(archive)

        # Sequences were reset: the next unit created in PostgreSQL gets a fresh id instead of a duplicate key.
        check = subprocess.run([sys.executable, "-c", (
            "import django; django.setup();"
            "from fivestar.orgs.models import OrgUnit;"
            "t = OrgUnit.objects.get(code='410928103');"
            "u = OrgUnit.objects.create(code='410928103298', name='新村', level=t.level + 1, parent=t);"
            "print(u.pk > max(OrgUnit.objects.exclude(pk=u.pk).values_list('pk', flat=True)))")],
            env=county, cwd=ROOT, capture_output=True, text=True, timeout=300)
        assert check.returncode == 0 and check.stdout.strip() == "True", check.stderr[-3000:]

        # And back: the PostgreSQL archive (before the new unit) restored into SQLite.
        back = sqlite_target(empty_sqlite, tmp_path / "back")
        restored = fivestar(back, "restore", str(from_pg))
        assert restored.returncode == 0, restored.stderr[-3000:]
        final = tmp_path / "final.zip"
        assert fivestar(back, "backup", "--output", str(final)).returncode == 0
        assert rows_and_files(final) == rows_and_files(archive)
    finally:
        _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_a_restore_that_fails_midway_leaves_the_database_empty_and_no_files(populated, tmp_path, empty_sqlite):
    """An archive whose checksums were forged to match but whose rows are wrong (an area in a town that is not in
    it): the load fails in its transaction, nothing stays in the database and the files written are removed."""
    import hashlib

    archive = tmp_path / "backup.zip"
    backup(archive)
    with zipfile.ZipFile(archive) as source:
        manifest = json.loads(source.read(MANIFEST))
        contents = {info.filename: source.read(info.filename) for info in source.infolist() if info.filename != MANIFEST}
    area = json.loads(contents["data/orgs.Area.jsonl"].decode().splitlines()[0])
    area["fields"]["town"] = 987654321
    contents["data/orgs.Area.jsonl"] = (json.dumps(area, ensure_ascii=False) + "\n").encode()
    for name, data in contents.items():
        manifest["members"][name] = {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in contents.items():
            target.writestr(name, data)
        target.writestr(MANIFEST, json.dumps(manifest))

    env = sqlite_target(empty_sqlite, tmp_path / "target")
    result = fivestar(env, "restore", str(forged))
    assert result.returncode != 0
    assert "导入数据失败" in result.stderr and "已全部撤销" in result.stderr and "Traceback" not in result.stderr
    import sqlite3

    db = sqlite3.connect(tmp_path / "target" / "fivestar.sqlite3")
    try:
        for table in ("orgs_orgunit", "orgs_area", "auth_user", "orgs_historicalorgunit", "rating_evidence"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone() == (0,), table
    finally:
        db.close()
    media = tmp_path / "target" / "media"
    assert not [p for p in media.rglob("*") if p.is_file()] if media.exists() else True
