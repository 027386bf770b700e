from django.db import models


class BulkJSONField(models.JSONField):
    """A JSONField that keeps PostgreSQL bulk inserts on plain multi-row VALUES.

    Django 5.2 inserts in bulk through UNNEST(arrays) on PostgreSQL, and psycopg quotes each large JSON
    document inside a text array with a slow regex: opening a province-size round spent most of its
    time there. A field with `get_placeholder` makes Django fall back to VALUES for the whole insert.
    """

    def get_placeholder(self, value, compiler, connection):
        return "%s"
