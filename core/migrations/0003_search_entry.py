"""The one site search's database index (``core.SearchEntry``); on PostgreSQL, its text indexes.

On PostgreSQL a stored, GIN-indexed ``search_vector`` (``to_tsvector('simple', folded_text)``: no stemming,
no stop words — the words are already folded) answers "every word, the last one as a beginning", and a
``pg_trgm`` GIN index on ``folded_title`` answers the suggestions' ``LIKE '% prefix%'``. SQLite reads the
padded folded text with ``LIKE``; both give the same answers.
"""

from django.db import migrations, models


def create_text_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        "ALTER TABLE core_searchentry ADD COLUMN IF NOT EXISTS search_vector tsvector "
        "GENERATED ALWAYS AS (to_tsvector('simple'::regconfig, folded_text)) STORED"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_entry_vector ON core_searchentry USING gin (search_vector)"
    )
    schema_editor.execute(
        "CREATE INDEX IF NOT EXISTS search_entry_title_trgm ON core_searchentry "
        "USING gin (folded_title gin_trgm_ops)"
    )


def drop_text_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_title_trgm")
    schema_editor.execute("DROP INDEX IF EXISTS search_entry_vector")
    schema_editor.execute("ALTER TABLE core_searchentry DROP COLUMN IF EXISTS search_vector")


class Migration(migrations.Migration):
    dependencies = [("core", "0002_event_append_only")]

    operations = [
        migrations.CreateModel(
            name="SearchEntry",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("key", models.CharField(max_length=80)),
                ("kind", models.CharField(max_length=20)),
                ("language", models.CharField(max_length=8)),
                ("title", models.CharField(max_length=255)),
                ("summary", models.TextField(blank=True)),
                ("url", models.CharField(max_length=500)),
                ("folded_title", models.CharField(max_length=300)),
                ("folded_text", models.TextField()),
                ("province_id", models.BigIntegerField(blank=True, null=True)),
                ("commune_id", models.BigIntegerField(blank=True, null=True)),
                ("province_name", models.CharField(blank=True, max_length=255)),
                ("commune_name", models.CharField(blank=True, max_length=255)),
                ("category", models.CharField(blank=True, max_length=40)),
                ("ocop_stars", models.PositiveSmallIntegerField(blank=True, null=True)),
                ("price", models.PositiveBigIntegerField(blank=True, null=True)),
                ("latitude", models.FloatField(blank=True, null=True)),
                ("longitude", models.FloatField(blank=True, null=True)),
                ("boost", models.FloatField(default=1.0)),
                ("updated_at", models.DateTimeField()),
            ],
            options={
                "verbose_name": "search entry",
                "verbose_name_plural": "search entries",
                "indexes": [
                    models.Index(fields=["language", "kind"], name="search_entry_kind"),
                    models.Index(fields=["language", "province_id"], name="search_entry_province"),
                    models.Index(fields=["language", "commune_id"], name="search_entry_commune"),
                    models.Index(fields=["language", "category"], name="search_entry_category"),
                    models.Index(fields=["language", "ocop_stars"], name="search_entry_ocop"),
                    models.Index(fields=["language", "price"], name="search_entry_price"),
                    models.Index(fields=["language", "-updated_at"], name="search_entry_recent"),
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("key", "language"), name="search_entry_one_per_language")
                ],
            },
        ),
        migrations.RunPython(create_text_indexes, drop_text_indexes, elidable=False),
    ]
