"""The exchange log: every partner request recorded append-only, kept for the configured days."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.exchange import flush_exchange_log, purge_exchange_log
from api.models import ExchangeRecord
from api.tasks import purge_exchange_log_task


@pytest.mark.django_db
def test_a_record_is_never_changed(api_client):
    api_client.get("/api/v1/products/?limit=1&category=tea")
    flush_exchange_log()  # a no-op when written per request (API_EXCHANGE_FLUSH_SECONDS = 0)
    record = ExchangeRecord.objects.get(partner=api_client.partner)

    record.status = 500
    with pytest.raises(ValueError, match="append-only"):
        record.save()

    record.refresh_from_db()
    assert record.status == 200
    assert record.parameters == {"limit": "1", "category": "tea"}
    assert record.operation == "product.list" and len(record.response_digest) == 64


@pytest.mark.django_db
def test_records_older_than_the_retention_are_purged_and_younger_ones_kept(api_client, settings):
    settings.API_EXCHANGE_LOG_DAYS = 30
    now = timezone.now()
    with time_machine.travel(now - timedelta(days=31)):
        api_client.get("/api/v1/products/")
    with time_machine.travel(now - timedelta(days=29)):
        api_client.get("/api/v1/products/?lang=en")
    flush_exchange_log()

    removed = purge_exchange_log_task.enqueue().return_value

    kept = list(ExchangeRecord.objects.values_list("parameters", flat=True))
    assert removed == 1
    assert kept == [{"lang": "en"}]
    assert purge_exchange_log() == 0
