"""Django's `flush`, able to empty a SQLite database despite the append-only triggers.

On SQLite a flush is DELETE FROM each table, which the history triggers refuse row by row
(PostgreSQL flushes with TRUNCATE, which fires no row triggers). Emptying the whole database is
an explicit act by whoever holds the file, so here the triggers are lifted for the flush and
put back, in the same transaction, exactly as the migration wrote them.
"""

from django.core.management.commands import flush
from django.db import connections, transaction

HISTORY_TRIGGERS = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name GLOB %s"


class Command(flush.Command):
    def handle(self, **options):
        connection = connections[options["database"]]
        if connection.vendor != "sqlite":
            return super().handle(**options)
        with transaction.atomic(using=connection.alias):
            with connection.cursor() as cursor:
                cursor.execute(HISTORY_TRIGGERS, ["reviews_history_*"])
                triggers = cursor.fetchall()
                for name, _ in triggers:
                    cursor.execute(f'DROP TRIGGER "{name}"')
            super().handle(**options)
            with connection.cursor() as cursor:
                for _, sql in triggers:
                    cursor.execute(sql)
