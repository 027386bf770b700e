"""Django's `migrate`, allowed to fill the columns a migration adds to historical tables for the rows already there
(fivestar/core/append_only.py: the audit trail is otherwise append-only)."""

from django.core.management.commands.migrate import Command as DjangoMigrate

from fivestar.core.append_only import migrating


class Command(DjangoMigrate):
    def handle(self, *args, **options):
        with migrating():
            return super().handle(*args, **options)
