"""Board names by their trigrams (PostgreSQL with pg_trgm): search's `name ILIKE '%word%'`
for a word of three letters or more answers from the index instead of reading every board.
Skipped where pg_trgm is not installed (search works without it) and on SQLite."""

from django.db import DatabaseError, migrations, transaction

FORWARD = "CREATE INDEX IF NOT EXISTS boards_board_name_trgm_idx ON boards_board USING gin (upper(name) gin_trgm_ops)"
BACKWARD = "DROP INDEX IF EXISTS boards_board_name_trgm_idx"


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm'")
        if cursor.fetchone() is None:
            return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute(FORWARD, None)
    except DatabaseError:
        pass


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, None)


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_search_index"),
        ("boards", "0004_board_updated_index"),
    ]

    operations = [migrations.RunPython(forward, backward)]
