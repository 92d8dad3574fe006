"""Never oversell: 50 buyers race for the last k units on PostgreSQL; exactly k win."""

import threading

import pytest
from django.db import IntegrityError, connection, transaction

from market import services
from market.exceptions import MarketError, MarketErrorCode
from market.models import Order, Product
from tests import factories

from .conftest import make_producer, make_product

BUYERS = 50


def _race(product, producer, buyers) -> tuple[int, list[str], list[BaseException]]:
    barrier = threading.Barrier(len(buyers))
    successes, refusals, crashes = [], [], []
    carts = [services.cart_for(user=user) for user in buyers]
    for cart in carts:
        services.set_cart_quantity(cart=cart, product=product, quantity=1)

    def checkout(cart, user):
        try:
            barrier.wait(timeout=30)
            services.place_order(
                cart=cart,
                payment_method="cod",
                delivery_methods={producer.pk: "pickup"},
                buyer=services.Buyer(name=user.email, phone="0912345678", user=user),
            )
            successes.append(user.pk)
        except MarketError as error:
            refusals.append(error.code)
        except BaseException as error:  # noqa: BLE001 - a crash must fail the test, not vanish in a thread
            crashes.append(error)
        finally:
            connection.close()

    threads = [
        threading.Thread(target=checkout, args=(cart, user)) for cart, user in zip(carts, buyers, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return len(successes), refusals, crashes


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_number", range(10))
def test_fifty_concurrent_checkouts_for_k_units_sell_exactly_k(postgres, round_number):
    # given a product with k units and 50 buyers each with one unit in the cart
    tree = factories.load_site() or factories.build_site()
    owner = factories.make_user(f"owner-{round_number}@example.org")
    producer = make_producer(owner, tree["a"]["commune"], f"Hợp tác xã {round_number}")
    stock = 3 + round_number  # k = 3 … 12
    product = make_product(producer, f"Chè {round_number}", stock=stock)
    buyers = [factories.make_user(f"b{round_number}-{n}@example.org") for n in range(BUYERS)]
    # when they all check out at once
    succeeded, refusals, crashes = _race(product, producer, buyers)
    # then exactly k succeed, the others are told it is out of stock, and stock ends at 0
    assert crashes == []
    assert succeeded == stock
    assert refusals == [MarketErrorCode.OUT_OF_STOCK] * (BUYERS - stock)
    assert Product.objects.get(pk=product.pk).stock == 0
    assert Order.objects.filter(producer=producer).count() == stock


@pytest.mark.django_db(transaction=True)
def test_the_database_refuses_negative_stock_even_if_code_forgets_the_check(postgres):
    tree = factories.load_site() or factories.build_site()
    producer = make_producer(factories.make_user("o@example.org"), tree["a"]["commune"], "HTX")
    product = make_product(producer, "Chè", stock=1)
    from django.db.models import F

    with pytest.raises(IntegrityError), transaction.atomic():
        Product.objects.filter(pk=product.pk).update(stock=F("stock") - 2)
    assert Product.objects.get(pk=product.pk).stock == 1
