"""The audit trail is append-only: the application may add AuditEvent rows and django-simple-history records, never
change or remove them.

Three layers, each enough on its own for the case it covers:
- AuditEvent refuses `save()` of an existing row, `delete()`, and queryset `update()`/`delete()` (core/models.py);
- every database connection of the application refuses an UPDATE or DELETE statement on core_auditevent or on any
  historical table, whatever issued it (a queryset, a cascade, raw SQL through Django) — `guard` below, installed as
  an execute wrapper when a connection opens;
- the database itself refuses UPDATE and DELETE on core_auditevent with a trigger (migration 0004), so a script or
  a console with the same credentials cannot rewrite it either. On SQLite the trigger asks this process
  (`fivestar_audit_unlocked()`, registered on each connection): a connection that does not know the function (the
  sqlite3 shell) is refused too.

`unlocked()` lets a block through all three. It is for exactly two callers: the demo loader, which dates the rows of
its story after writing them (fivestar/demo/clock.py), and `flush` (emptying the whole database, which the test
suite does between live-server tests). TRUNCATE (PostgreSQL's flush) is not a row change and is not refused.
`migrating()` lifts the guard for `migrate` (a data migration may fill a new column of a historical table).
Accounts and org units named by an audit row cannot be deleted (on_delete=PROTECT): deactivate them instead.
"""

import contextlib
import contextvars
import re

from django.db import IntegrityError, connections, transaction

MESSAGE = "操作记录只能追加，不能修改或删除（{table}）。"
SQLITE_FUNCTION = "fivestar_audit_unlocked"
PG_SETTING = "fivestar.audit_unlocked"

_unlocked = contextvars.ContextVar("fivestar_audit_unlocked", default=False)
_STATEMENT = re.compile(r'\s*(?:UPDATE|DELETE\s+FROM)\s+[`"\[]?(\w+)', re.IGNORECASE)
_SET_HISTORY_USER_NULL = re.compile(r'UPDATE "(\w+)" SET "history_user_id" = NULL WHERE (.+)\Z', re.DOTALL)
_tables: frozenset[str] | None = None


class AuditTrailIsAppendOnly(IntegrityError):
    """An attempt to change or remove an audit row (a programming error: nothing in the application does it)."""

    def __init__(self, table: str):
        super().__init__(MESSAGE.format(table=table))


def is_unlocked() -> bool:
    return _unlocked.get()


def protected_tables() -> frozenset[str]:
    """core_auditevent and every django-simple-history table."""
    global _tables
    if _tables is None:
        from django.apps import apps
        from simple_history.models import HistoricalChanges

        from .models import AuditEvent

        history = {m._meta.db_table for m in apps.get_models() if issubclass(m, HistoricalChanges)}
        _tables = frozenset(history | {AuditEvent._meta.db_table})
    return _tables


def refused_table(sql: str) -> str | None:
    """The protected table an UPDATE or DELETE statement writes to, unless unlocked."""
    if _unlocked.get() or sql[:6].upper() not in ("UPDATE", "DELETE"):
        return None
    match = _STATEMENT.match(sql)
    return match.group(1) if match and match.group(1) in protected_tables() else None


def _changes_no_row(execute, table: str, sql: str, params, many: bool, context) -> bool:
    """Deleting an account makes Django set history_user to NULL in every historical table, rows or not (SET_NULL is
    not checked first). The account's own audit events already stop the deletion of one that acted (PROTECT); this
    lets the statement through only when its WHERE finds no row, so an account that never acted can still be deleted."""
    match = _SET_HISTORY_USER_NULL.match(sql)
    if many or match is None or match.group(1) != table:
        return False
    execute(f'SELECT 1 FROM "{table}" WHERE {match.group(2)} LIMIT 1', params, False, context)
    return context["cursor"].fetchone() is None


def guard(execute, sql, params, many, context):
    table = refused_table(sql)
    if table is not None and not _changes_no_row(execute, table, sql, params, many, context):
        raise AuditTrailIsAppendOnly(table)
    return execute(sql, params, many, context)


def on_connection_created(sender, connection, **kwargs):
    """Installs `guard` on the connection and, on SQLite, the function the trigger asks."""
    if guard not in connection.execute_wrappers:
        connection.execute_wrappers.append(guard)
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 0, lambda: 1 if _unlocked.get() else 0)


@contextlib.contextmanager
def _flag():
    token = _unlocked.set(True)
    try:
        yield
    finally:
        _unlocked.reset(token)


@contextlib.contextmanager
def unlocked(using: str = "default"):
    """Changing or removing audit rows inside the block: only for the demo loader and flush (see the module doc).
    One transaction, so PostgreSQL's setting (SET LOCAL) ends with it."""
    with _flag(), transaction.atomic(using=using):
        connection = connections[using]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT set_config(%s, 'on', true)", [PG_SETTING])
        yield


def migrating():
    """For `migrate` only: a migration may fill a column it adds to a historical table for the rows already there
    (rating 0006 does). Lifts the application's guard and SQLite's trigger, without a transaction (SQLite's schema
    changes cannot run in one); a migration that must rewrite core_auditevent on PostgreSQL sets
    fivestar.audit_unlocked itself."""
    return _flag()
