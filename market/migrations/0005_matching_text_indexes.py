"""PostgreSQL trigram indexes on the folded text of listings and demands, for the matching engine.

``market.matching`` prefilters candidates with ``folded_text LIKE '%word%'`` (any of a demand's words,
or of a listing's name words for the open demands it may fit). A ``pg_trgm`` GIN index answers those
``LIKE``s without reading every row when the demand names no category. SQLite has no trigram index and
scans (fine at its scale); the migration does nothing there. The models do not change.
"""

from django.db import migrations

INDEXES = {
    "market_product_folded_trgm": "market_product",
    "market_demand_folded_trgm": "market_buyerdemand",
}


def create_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, table in INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin (folded_text gin_trgm_ops)"
        )


def drop_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("market", "0004_buyer_demands_offers_inquiries")]

    operations = [migrations.RunPython(create_indexes, drop_indexes, elidable=False)]
