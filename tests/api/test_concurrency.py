"""The exchange's limits hold under concurrency on PostgreSQL: racing requests never pass a limit twice."""

import threading

import pytest
from django.db import connection

from api.exceptions import ApiServiceError
from api.models import Subscription
from api.services.subscriptions import MAX_SUBSCRIPTIONS_PER_PARTNER, create_subscription
from tests import factories

from .conftest import make_partner

RACERS = 12


@pytest.mark.django_db(transaction=True)
def test_racing_creations_never_pass_the_subscription_limit(postgres, settings):
    # given a partner one subscription short of the limit
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    factories.load_site() or factories.build_site()
    partner = make_partner("racer@example.org")
    for number in range(MAX_SUBSCRIPTIONS_PER_PARTNER - 1):
        create_subscription(partner=partner, actor=partner.owner, endpoint_url=f"http://127.0.0.1/{number}")
    barrier = threading.Barrier(RACERS)
    created, refused, crashes = [], [], []

    def create(number: int) -> None:
        try:
            barrier.wait(timeout=30)
            create_subscription(
                partner=partner, actor=partner.owner, endpoint_url=f"http://127.0.0.1/r{number}"
            )
            created.append(number)
        except ApiServiceError as error:
            refused.append(error.code)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            crashes.append(error)
        finally:
            connection.close()

    # when twelve requests create one more at the same moment
    threads = [threading.Thread(target=create, args=(number,)) for number in range(RACERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then exactly one gets the last place and the partner has exactly the limit
    assert crashes == []
    assert len(created) == 1 and len(refused) == RACERS - 1
    assert Subscription.objects.filter(partner=partner).count() == MAX_SUBSCRIPTIONS_PER_PARTNER
