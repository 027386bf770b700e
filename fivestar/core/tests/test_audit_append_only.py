"""The audit trail is append-only (fivestar/core/append_only.py): AuditEvent and the django-simple-history tables
refuse every change and removal the application could make (model, queryset, base manager, cascade, raw SQL through
Django), and the database refuses UPDATE and DELETE on core_auditevent by trigger, on SQLite and PostgreSQL alike.
Only `unlocked()` (the demo loader, flush) gets through."""

import datetime
import sqlite3

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import IntegrityError, connection, transaction
from django.db.models import ProtectedError

from fivestar.core.append_only import AuditTrailIsAppendOnly, protected_tables, unlocked
from fivestar.core.models import AuditEvent
from fivestar.orgs.models import OrgUnit


def _refused(action):
    with pytest.raises(IntegrityError) as info, transaction.atomic():
        action()
    return info.value


@pytest.fixture
def event(world):
    unit = OrgUnit.objects.get(pk=world.village.pk)
    unit._history_user = world.users["town_admin"]
    unit.category = "sprint"
    unit.save()
    return AuditEvent.objects.filter(model="orgs.orgunit", object_id=str(unit.pk), action="update").get()


@pytest.mark.django_db
def test_audit_events_are_added_never_changed_or_removed(event):
    event.summary = "改写"
    error = _refused(event.save)
    assert isinstance(error, AuditTrailIsAppendOnly) and "操作记录只能追加" in str(error)
    _refused(event.delete)
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(summary="改写"))
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).delete())
    _refused(lambda: AuditEvent._base_manager.filter(pk=event.pk).update(summary="改写"))
    with connection.cursor() as cursor:  # raw SQL through Django's connection
        _refused(lambda: cursor.execute("UPDATE core_auditevent SET summary = 'x' WHERE id = %s", [event.pk]))
        _refused(lambda: cursor.execute("delete from core_auditevent"))
    event.refresh_from_db()
    assert event.summary == "" and AuditEvent.objects.filter(pk=event.pk).exists()
    AuditEvent.objects.create(action="import", model="imports.batch", model_label="数据导入", object_repr="新增一条")  # adding is fine


@pytest.mark.django_db
def test_history_records_are_added_never_changed_or_removed(event, world):
    history = OrgUnit.history.model
    assert history._meta.db_table in protected_tables() and "rating_historicalround" in protected_tables()
    record = OrgUnit.history.filter(id=world.village.pk).latest("history_date")
    record.category = "base"
    _refused(record.save)
    _refused(record.delete)
    _refused(lambda: OrgUnit.history.filter(id=world.village.pk).update(category="base"))
    _refused(lambda: history.objects.filter(id=world.village.pk).delete())
    _refused(lambda: history._base_manager.all().update(history_change_reason="x"))
    record.refresh_from_db()
    assert record.category == "sprint"


@pytest.mark.django_db
def test_the_database_refuses_by_trigger_what_bypasses_the_application(event):
    """The driver's own cursor, under Django's guard: the trigger alone answers."""
    with connection.cursor() as cursor:
        raw = cursor.cursor
        placeholder = "%s" if connection.vendor == "postgresql" else "?"
        for sql in (f"UPDATE core_auditevent SET summary = 'x' WHERE id = {placeholder}", f"DELETE FROM core_auditevent WHERE id = {placeholder}"):
            with pytest.raises(Exception) as info, transaction.atomic():
                raw.execute(sql, [event.pk])
            assert "操作记录只能追加" in str(info.value), info.value
    assert AuditEvent.objects.filter(pk=event.pk, summary="").exists()


@pytest.mark.django_db
def test_the_triggers_exist_after_migrate():
    """A later migration that rebuilds core_auditevent on SQLite would drop them: re-create them in that migration."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_auditevent'::regclass AND NOT tgisinternal")
            assert {r[0] for r in cursor.fetchall()} == {"core_auditevent_append_only"}
        else:
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'core_auditevent'")
            assert {r[0] for r in cursor.fetchall()} == {"core_auditevent_no_update", "core_auditevent_no_delete"}


@pytest.mark.django_db(transaction=True)
def test_a_sqlite_connection_outside_the_application_is_refused(world, event):
    if connection.vendor != "sqlite" or connection.is_in_memory_db():
        pytest.skip("a file-based SQLite database")
    outside = sqlite3.connect(connection.settings_dict["NAME"])
    try:
        with pytest.raises(sqlite3.OperationalError, match="fivestar_audit_unlocked"):
            outside.execute("UPDATE core_auditevent SET summary = 'x'")
        with pytest.raises(sqlite3.OperationalError, match="fivestar_audit_unlocked"):
            outside.execute("DELETE FROM core_auditevent")
        outside.rollback()
    finally:
        outside.close()
    assert AuditEvent.objects.filter(pk=event.pk, summary="").exists()


@pytest.mark.django_db
def test_an_account_or_unit_named_by_the_trail_cannot_be_deleted(event, world):
    town_admin = world.users["town_admin"]
    with pytest.raises(ProtectedError) as by_user, transaction.atomic():
        town_admin.delete()
    assert event in by_user.value.protected_objects
    with pytest.raises(ProtectedError) as by_unit, transaction.atomic():
        world.village.delete()
    assert event in by_unit.value.protected_objects
    assert AuditEvent.objects.filter(pk=event.pk, user=town_admin, org_unit=world.village).exists()
    # An account that never acted can still go (nothing in the trail names it).
    get_user_model().objects.create_user("never-acted", password="a-long-password-1").delete()


@pytest.mark.django_db
def test_an_account_named_only_by_history_rows_cannot_be_deleted(world):
    """Without its audit events (removed here through the one escape hatch), the history rows still hold the account:
    Django's SET NULL on them is refused."""
    actor = get_user_model().objects.create_user("acted", password="a-long-password-1")
    unit = OrgUnit.objects.get(pk=world.sibling.pk)
    unit._history_user = actor
    unit.category = "base"
    unit.save()
    with unlocked():
        AuditEvent.objects.filter(user=actor).delete()
    error = _refused(actor.delete)
    assert isinstance(error, AuditTrailIsAppendOnly) and "historical" in str(error)
    assert OrgUnit.history.filter(history_user=actor).exists()


@pytest.mark.django_db
def test_unlocked_lets_the_demo_date_its_story(event):
    when = datetime.datetime(2022, 3, 1, 9, 0, tzinfo=datetime.UTC)
    with unlocked():
        AuditEvent.objects.filter(pk=event.pk).update(at=when)
        OrgUnit.history.filter(id=event.org_unit_id).update(history_date=when)
    event.refresh_from_db()
    assert event.at == when
    _refused(lambda: AuditEvent.objects.filter(pk=event.pk).update(at=when))  # and locked again after the block


@pytest.mark.django_db(transaction=True)
def test_flush_empties_the_trail(event):
    call_command("flush", interactive=False, verbosity=0)
    assert not AuditEvent.objects.exists()
