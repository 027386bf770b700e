"""Django's `flush` (empty every table), allowed to empty the audit trail too: removing everything is not rewriting
history, and the test suite flushes between live-server tests. On PostgreSQL flush is a TRUNCATE, which the trigger
does not see; on SQLite it is a DELETE per table, which the trigger and the connection guard let through only here
(fivestar/core/append_only.py)."""

from django.core.management.commands.flush import Command as DjangoFlush

from fivestar.core.append_only import unlocked


class Command(DjangoFlush):
    def handle(self, **options):
        with unlocked(using=options["database"]):
            return super().handle(**options)
