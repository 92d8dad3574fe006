"""The national programme's indicators and targets (village.indicators.catalogue), added when missing."""

from django.db import migrations


def seed(apps, schema_editor):
    from village.indicators.catalogue import seed as seed_catalogue

    seed_catalogue(apps.get_model("village", "IndicatorDefinition"), apps.get_model("village", "IndicatorTarget"))


class Migration(migrations.Migration):
    dependencies = [("village", "0002_indicators")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
