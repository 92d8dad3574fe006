from django.db import migrations, models


def fill_keyword_sets(apps, schema_editor):
    """Existing subscriptions get their keywords' folded alternatives (as ``Subscription.save`` keeps them)."""
    from api.matching import keyword_sets_of

    Subscription = apps.get_model("api", "Subscription")
    changed = []
    for subscription in Subscription.objects.exclude(keywords="").only("pk", "keywords").iterator(chunk_size=2000):
        subscription.keyword_sets = keyword_sets_of(subscription.keywords)
        changed.append(subscription)
    Subscription.objects.bulk_update(changed, ["keyword_sets"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("api", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="subscription",
            name="keyword_sets",
            field=models.JSONField(blank=True, default=list, editable=False),
        ),
        migrations.RunPython(fill_keyword_sets, migrations.RunPython.noop),
    ]
