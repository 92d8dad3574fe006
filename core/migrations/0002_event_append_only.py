"""Make the audit trail append-only in the database: triggers refuse UPDATE and DELETE on core_event."""

from django.db import migrations

from core.audit import install_triggers, remove_triggers


class Migration(migrations.Migration):
    dependencies = [("core", "0001_initial")]

    operations = [migrations.RunPython(install_triggers, remove_triggers, elidable=False)]
