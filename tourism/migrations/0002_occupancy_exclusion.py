"""On PostgreSQL, refuse two occupancies of one unit whose nights overlap (btree_gist exclusion).

SQLite has no exclusion constraints: there the booking service's lock (SQLite serialises writers) is
the guard. Creating the ``btree_gist`` extension needs a superuser or a database owner with the right
to create trusted extensions; operators who cannot may create it once by hand (see docs/operations.md).
"""

from django.db import migrations

CONSTRAINT = "tourism_occupancy_no_overlap"


def add_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
    schema_editor.execute(
        f"ALTER TABLE tourism_occupancy ADD CONSTRAINT {CONSTRAINT} "
        "EXCLUDE USING gist (unit_id WITH =, daterange(starts_on, ends_on, '[)') WITH &&)"
    )


def drop_constraint(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"ALTER TABLE tourism_occupancy DROP CONSTRAINT IF EXISTS {CONSTRAINT}")


class Migration(migrations.Migration):
    dependencies = [("tourism", "0001_initial")]

    operations = [migrations.RunPython(add_constraint, drop_constraint)]
