"""Backup and restore of a whole instance: `fivestar backup` and `fivestar restore`.

The archive is a zip file:

    data/<app_label>.<ModelName>.jsonl   every row of every model, Django's JSON Lines serialisation
    media/<path>                         every file in the default storage (evidence, exports, briefings, …)
    manifest.json                        app version, migrations, engine, time, row counts, sha256 of every member

The data is engine-independent (the same archive restores into SQLite or PostgreSQL) and is written one row at a
time into the zip (`iterator()` in chunks, zip members written as streams), so a county's database is never held in
memory. All of it is read inside one snapshot transaction (PostgreSQL: REPEATABLE READ READ ONLY; SQLite in WAL
mode: one deferred read transaction), so requests writing meanwhile cannot make the archive inconsistent.

Not archived, and why (the manifest says so too): content types and permissions (migrate creates them; rows that
point at them are written with natural keys), sessions (everyone signs in again), login throttling records (axes),
and django-tasks-db's task results (queue bookkeeping; the jobs' own records, which the pages show, are archived).
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import posixpath
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JsonlSerializer
from django.core.serializers.base import DeserializationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, models, transaction

FORMAT = 1
MANIFEST = "manifest.json"
CHUNK = 2000  # rows fetched per query while writing the archive
COPY_BYTES = 1024 * 1024

# app_label (or app_label.model_name) → why it is left out of the archive.
SKIPPED = {
    "contenttypes": "由 migrate 重新创建，引用处以自然键（应用名、模型名）保存",
    "auth.permission": "由 migrate 重新创建，引用处以自然键（权限代码、应用名、模型名）保存",
    "sessions": "登录会话不备份，恢复后用户重新登录",
    "axes": "登录失败限制记录不备份",
    "core.ratecounter": "访问频率计数不备份（只对当前时间窗有意义）",
    "django_tasks_database": "后台任务队列记录（django-tasks-db 任务结果）不备份；各业务任务自身的记录已备份",
}


class BackupError(Exception):
    """A refusal with a message for the operator (Chinese); nothing was changed."""


def _skip_reason(model) -> str | None:
    return SKIPPED.get(model._meta.label_lower) or SKIPPED.get(model._meta.app_label)


def archived_models() -> list:
    """Every concrete, managed model whose rows are archived, in a stable order."""
    result = []
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed or _skip_reason(model):
            continue
        result.append(model)
    return sorted(result, key=lambda m: m._meta.label_lower)


def skipped_models() -> dict[str, str]:
    return {m._meta.label_lower: _skip_reason(m) for m in apps.get_models() if _skip_reason(m) and not m._meta.proxy}


def member_name(model) -> str:
    return f"data/{model._meta.app_label}.{model._meta.object_name}.jsonl"


def app_version() -> str:
    try:
        from importlib.metadata import version

        return version("fivestar")
    except Exception:  # not installed as a distribution (running from a checkout)
        return "unknown"


class _Hashing(io.RawIOBase):
    """Writes through to a binary stream, counting bytes and hashing them as they pass."""

    def __init__(self, target):
        self.target = target
        self.sha256 = hashlib.sha256()
        self.size = 0

    def writable(self):
        return True

    def write(self, data):
        self.sha256.update(data)
        self.size += len(data)
        self.target.write(data)
        return len(data)


class _Encoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds; a backup keeps every microsecond the database had."""

    def default(self, o):
        if isinstance(o, datetime.datetime):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        if isinstance(o, datetime.time):
            return o.isoformat()
        return super().default(o)


class _Serializer(JsonlSerializer):
    """JSON Lines with natural keys only for content types and permissions (which migrate recreates with other ids
    in the target), primary keys for everything else; many-to-many values come from the chunk's prefetch, so a row
    costs no query of its own."""

    def __init__(self, permission_keys: dict):
        super().__init__()
        self.permission_keys = permission_keys

    def handle_fk_field(self, obj, field):
        from django.contrib.contenttypes.models import ContentType

        if field.remote_field.model is ContentType:
            value = getattr(obj, field.attname)
            self._current[field.name] = ContentType.objects.get_for_id(value).natural_key() if value else None
        else:
            super().handle_fk_field(obj, field)

    def handle_m2m_field(self, obj, field):
        from django.contrib.auth.models import Permission

        if not field.remote_field.through._meta.auto_created:
            return  # an explicit through model is archived as a model of its own
        cached = getattr(obj, "_prefetched_objects_cache", {}).get(field.name)
        pks = [r.pk for r in cached] if cached is not None else list(getattr(obj, field.name).values_list("pk", flat=True))
        if field.remote_field.model is Permission:
            self._current[field.name] = [list(self.permission_keys[pk]) for pk in pks]
        else:
            self._current[field.name] = sorted(pks)


def _applied_migrations(connection) -> dict[str, list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    applied: dict[str, list[str]] = {}
    for app_label, name in sorted(MigrationRecorder(connection).applied_migrations()):
        applied.setdefault(app_label, []).append(name)
    return applied


def _storage_files(storage, directory: str = "") -> Iterator[str]:
    try:
        dirs, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield posixpath.join(directory, name) if directory else name
    for sub in sorted(dirs):
        yield from _storage_files(storage, posixpath.join(directory, sub) if directory else sub)


def _snapshot(connection):
    """One transaction that sees one state of the database, for the whole backup."""
    if connection.vendor == "postgresql":
        atomic = transaction.atomic(using=connection.alias)
        atomic.__enter__()
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        return atomic
    if connection.vendor == "sqlite":
        # The settings begin transactions IMMEDIATE (a write lock): a backup takes none, so the app keeps writing
        # while it runs. In WAL mode the deferred transaction's first read fixes the snapshot it sees.
        connection.ensure_connection()
        saved, connection.transaction_mode = connection.transaction_mode, "DEFERRED"
        atomic = transaction.atomic(using=connection.alias)
        try:
            atomic.__enter__()
        finally:
            connection.transaction_mode = saved
        with connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM django_migrations")
        return atomic
    atomic = transaction.atomic(using=connection.alias)
    atomic.__enter__()
    return atomic


def backup(output: Path, using: str = DEFAULT_DB_ALIAS, storage=None, say: Callable[[str], None] = lambda line: None) -> dict:
    """Write the archive to `output` (via a temporary file renamed at the end) and return its manifest."""
    from django.contrib.auth.models import Permission

    storage = storage or default_storage
    connection = connections[using]
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    partial = output.with_name(output.name + ".part")
    members: dict[str, dict] = {}
    counts: dict[str, int] = {}
    referenced: set[str] = set()
    atomic = _snapshot(connection)
    try:
        created_at = datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds")
        permission_keys = {p.pk: p.natural_key() for p in Permission.objects.using(using).select_related("content_type")}
        with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
            for model in archived_models():
                name = member_name(model)
                file_fields = [f.attname for f in model._meta.concrete_fields if isinstance(f, models.FileField)]
                m2m = [f.name for f in model._meta.many_to_many if f.remote_field.through._meta.auto_created]
                queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
                if m2m:
                    queryset = queryset.prefetch_related(*m2m)
                rows = 0

                def counted(qs=queryset, file_fields=file_fields):
                    nonlocal rows
                    for obj in qs.iterator(chunk_size=CHUNK):
                        rows += 1
                        for attname in file_fields:
                            value = getattr(obj, attname)
                            if value:
                                referenced.add(str(value))
                        yield obj

                with archive.open(name, "w", force_zip64=True) as raw:
                    hashing = _Hashing(raw)
                    text = io.TextIOWrapper(io.BufferedWriter(hashing, COPY_BYTES), encoding="utf-8", newline="\n")
                    _Serializer(permission_keys).serialize(counted(), stream=text, cls=_Encoder)
                    text.flush()
                    text.detach().flush()
                members[name] = {"sha256": hashing.sha256.hexdigest(), "size": hashing.size}
                counts[model._meta.label_lower] = rows
                if rows:
                    say(f"  {model._meta.verbose_name}（{model._meta.label_lower}）：{rows} 行")
            files = 0
            present: set[str] = set()
            for path in _storage_files(storage):
                name = f"media/{path}"
                with storage.open(path, "rb") as source, archive.open(name, "w", force_zip64=True) as raw:
                    hashing = _Hashing(raw)
                    while chunk := source.read(COPY_BYTES):
                        hashing.write(chunk)
                members[name] = {"sha256": hashing.sha256.hexdigest(), "size": hashing.size}
                present.add(path)
                files += 1
            migrations = _applied_migrations(connection)
            manifest = {
                "format": FORMAT,
                "app": "fivestar",
                "app_version": app_version(),
                "created_at": created_at,
                "database_engine": connection.vendor,
                "migrations": migrations,
                "row_counts": counts,
                "skipped": skipped_models(),
                "files": files,
                "missing_files": sorted(referenced - present),  # rows naming a file the storage did not have
                "members": members,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True))
    except BaseException:
        atomic.__exit__(None, None, None)
        partial.unlink(missing_ok=True)
        raise
    else:
        atomic.__exit__(None, None, None)
    os.replace(partial, output)
    return manifest


# --- restore ----------------------------------------------------------------------------------------------------


def _safe_member(name: str) -> bool:
    return not (name.startswith("/") or "\\" in name or any(part in ("", ".", "..") for part in name.split("/")))


def read_manifest(archive: zipfile.ZipFile) -> dict:
    try:
        manifest = json.loads(archive.read(MANIFEST).decode("utf-8"))
    except KeyError:
        raise BackupError("备份文件中没有清单（manifest.json），不是本系统的备份，未做任何更改。") from None
    except (ValueError, UnicodeDecodeError):
        raise BackupError("备份清单（manifest.json）已损坏，无法读取，未做任何更改。") from None
    if not isinstance(manifest, dict) or manifest.get("app") != "fivestar" or not isinstance(manifest.get("members"), dict):
        raise BackupError("备份清单（manifest.json）不是本系统的格式，未做任何更改。")
    if manifest.get("format") != FORMAT:
        raise BackupError(f"备份格式版本 {manifest.get('format')} 与本程序（{FORMAT}）不符，未做任何更改。")
    return manifest


def verify(archive: zipfile.ZipFile, manifest: dict) -> None:
    """Every member listed with the right checksum, and nothing in the archive that the manifest does not list."""
    listed = manifest["members"]
    present = set(archive.namelist()) - {MANIFEST}
    unsafe = [name for name in present | set(listed) if not _safe_member(name)]
    if unsafe:
        raise BackupError(f"备份文件含有不安全的路径（{unsafe[0]}），已拒绝恢复，未做任何更改。")
    extra = sorted(present - set(listed))
    if extra:
        raise BackupError(f"备份文件含有清单中没有的文件（{extra[0]} 等 {len(extra)} 个），可能已被篡改，已拒绝恢复，未做任何更改。")
    missing = sorted(set(listed) - present)
    if missing:
        raise BackupError(f"备份文件缺少清单中的文件（{missing[0]} 等 {len(missing)} 个），可能已损坏，已拒绝恢复，未做任何更改。")
    for name, expected in sorted(listed.items()):
        if archive.getinfo(name).file_size != expected.get("size"):  # before reading it: a bomb is refused unread
            raise BackupError(f"备份文件中的 {name} 大小与清单不符，文件可能已被篡改或损坏，已拒绝恢复，未做任何更改。")
        digest = hashlib.sha256()
        try:
            with archive.open(name) as member:
                while chunk := member.read(COPY_BYTES):
                    digest.update(chunk)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:  # a member whose own CRC no longer matches
            raise BackupError(f"备份文件中的 {name} 已损坏（{exc}），已拒绝恢复，未做任何更改。") from None
        if digest.hexdigest() != expected.get("sha256"):
            raise BackupError(f"备份文件中的 {name} 校验值与清单不符，文件可能已被篡改或损坏，已拒绝恢复，未做任何更改。")


def check_migrations(manifest: dict, connection) -> None:
    """The archive must come from the same database structure as this program's, or rows would not fit the tables."""
    from django.db.migrations.loader import MigrationLoader

    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.graph.nodes)
    leaves = set(loader.graph.leaf_nodes())
    archived = {(app, name) for app, names in (manifest.get("migrations") or {}).items() for name in names}
    unknown = sorted(archived - known - {key for key in archived if key in loader.replacements})
    if unknown:
        app, name = unknown[0]
        raise BackupError(f"备份来自更新版本的程序（本程序没有数据库迁移 {app}.{name}），请先升级本程序再恢复，未做任何更改。")
    behind = sorted(leaves - archived)
    if behind:
        app, name = behind[0]
        raise BackupError(
            f"备份的数据库结构比本程序旧（备份中没有迁移 {app}.{name}）。请用制作备份的同一版本恢复，再升级并运行 fivestar migrate；未做任何更改。"
        )


def existing_rows(connection) -> list[str]:
    """Archived models that already have rows in the target (only tables that exist: it may not be migrated yet)."""
    tables = set(connection.introspection.table_names())
    found = []
    for model in archived_models():
        if model._meta.db_table in tables and model._base_manager.using(connection.alias).exists():
            found.append(model._meta.label_lower)
    return found


def _insert(model, objects: list, using: str) -> None:
    """INSERT the rows as they are (raw: auto_now fields and save() overrides leave archived values alone)."""
    fields = [f for f in model._meta.local_concrete_fields if not getattr(f, "generated", False)]
    connection = connections[using]
    size = max(1, connection.ops.bulk_batch_size(fields, objects) or len(objects))
    for start in range(0, len(objects), size):
        model._base_manager.using(using)._insert(objects[start:start + size], fields=fields, raw=True, using=using)


def _insert_m2m(model, m2m: dict[str, list], using: str) -> None:
    for field_name, pairs in m2m.items():
        if not pairs:
            continue
        field = model._meta.get_field(field_name)
        through = field.remote_field.through
        source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
        rows = [through(**{f"{source}_id": left, f"{target}_id": right}) for left, right in pairs]
        through._base_manager.using(using).bulk_create(rows, batch_size=1000)


def load_member(archive: zipfile.ZipFile, name: str, model, using: str) -> int:
    """Stream one model's rows into the database in batches; returns how many."""
    rows = 0
    batch: list = []
    m2m: dict[str, list] = {}
    with archive.open(name) as raw:
        text = io.TextIOWrapper(raw, encoding="utf-8")
        for item in serializers.deserialize("jsonl", text, using=using):
            obj = item.object
            if type(obj) is not model:
                raise BackupError(f"备份文件 {name} 中混有其他模型（{obj._meta.label}）的数据，已拒绝恢复。")
            batch.append(obj)
            for field_name, values in (item.m2m_data or {}).items():
                m2m.setdefault(field_name, []).extend((obj.pk, value) for value in values)
            rows += 1
            if len(batch) >= CHUNK:
                _insert(model, batch, using)
                _insert_m2m(model, m2m, using)
                batch, m2m = [], {}
    if batch:
        _insert(model, batch, using)
        _insert_m2m(model, m2m, using)
    return rows


def restore(path: Path, using: str = DEFAULT_DB_ALIAS, storage=None, migrate: Callable[[], None] | None = None,
            say: Callable[[str], None] = lambda line: None) -> dict:
    """Restore the archive into an empty instance. Refuses (BackupError, nothing changed) a tampered or foreign
    archive, one from another database structure, and a database that already has data or a storage that already
    has a different file under an archived name. The rows load in one transaction: a failure leaves the database as
    empty as it was, and files written meanwhile are removed again."""
    storage = storage or default_storage
    connection = connections[using]
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件 {path}。") from None
    except (zipfile.BadZipFile, OSError):
        raise BackupError(f"{path} 不是有效的备份文件（zip），未做任何更改。") from None
    with archive:
        manifest = read_manifest(archive)
        say("正在校验备份文件…")
        verify(archive, manifest)
        check_migrations(manifest, connection)
        existing = existing_rows(connection)
        if existing:
            raise BackupError(
                f"目标数据库已有数据（如 {existing[0]} 等 {len(existing)} 类），只能恢复到空数据库。"
                "请新建一个空数据库（或删除现有的数据库文件）后再恢复；未做任何更改。"
            )
        media = sorted(name for name in manifest["members"] if name.startswith("media/"))
        for name in media:
            target = name[len("media/"):]
            if storage.exists(target) and _storage_digest(storage, target) != manifest["members"][name]["sha256"]:
                raise BackupError(f"文件存储中已有内容不同的 {target}，只能恢复到空实例；未做任何更改。")
        say("正在迁移数据库…")
        (migrate or _migrate)(using)
        if existing_rows(connection):
            raise BackupError("迁移后数据库中已有数据，只能恢复到空数据库；未导入任何数据。")
        by_label = {m._meta.label_lower: m for m in archived_models()}
        counts = manifest.get("row_counts") or {}
        unknown = sorted(set(counts) - set(by_label))
        if unknown:
            raise BackupError(f"备份中的模型 {unknown[0]} 在本程序中不存在，已拒绝恢复；未导入任何数据。")
        written: list[str] = []
        loaded: dict[str, int] = {}
        say("正在导入数据…")
        try:
            with transaction.atomic(using=using):
                for label in sorted(counts):
                    model = by_label[label]
                    name = member_name(model)
                    if name not in manifest["members"]:
                        raise BackupError(f"备份中缺少 {label} 的数据，已拒绝恢复；未导入任何数据。")
                    loaded[label] = load_member(archive, name, model, using)
                    if loaded[label] != counts[label]:
                        raise BackupError(f"{label} 导入 {loaded[label]} 行，与清单记录的 {counts[label]} 行不符，已撤销恢复。")
                if connection.vendor == "postgresql":
                    _reset_sequences(connection, [by_label[label] for label in loaded])
                connection.check_constraints()
                say("正在恢复文件…")
                for name in media:
                    target = name[len("media/"):]
                    if storage.exists(target):
                        continue  # identical, checked above
                    with archive.open(name) as source:
                        saved = storage.save(target, File(source, name=posixpath.basename(target)))
                    written.append(saved)
                    if saved != target:
                        raise BackupError(f"文件 {target} 无法按原名恢复（存储给出 {saved}），已撤销恢复。")
        except BaseException as exc:
            for name in written:
                storage.delete(name)
            if isinstance(exc, (DatabaseError, DeserializationError, ValueError)):
                raise BackupError(f"导入数据失败（{type(exc).__name__}: {str(exc)[:300]}），已全部撤销：数据库仍为空，未留下任何文件。") from exc
            raise
    return {"manifest": manifest, "rows": loaded, "files": len(media)}


def _storage_digest(storage, name: str) -> str:
    digest = hashlib.sha256()
    with storage.open(name, "rb") as handle:
        while chunk := handle.read(COPY_BYTES):
            digest.update(chunk)
    return digest.hexdigest()


def _migrate(using: str) -> None:
    from django.core.management import call_command

    call_command("migrate", database=using, interactive=False, verbosity=0)


def _reset_sequences(connection, models_: list) -> None:
    statements = connection.ops.sequence_reset_sql(no_style(), models_)
    if statements:
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)
