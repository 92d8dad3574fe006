"""Payment fixtures: a fake payable kind registered for the test, payees, staff and the Stripe stub."""

import json
import threading
from dataclasses import dataclass, field

import pytest

from core.registries import Payable, PayableSummary, payables
from tests import factories

from .stripe_stub import StripeStubServer, sign

FAKE_KIND = "tests.fake"
WEBHOOK_SECRET = "whsec_test_stub_secret"


@dataclass
class FakePayables:
    """A kind of payable that only records what payments told it (thread-safe)."""

    paid: list[tuple[str, str]] = field(default_factory=list)
    refunded: list[tuple[str, int]] = field(default_factory=list)
    refundable: dict[str, int] = field(default_factory=dict)
    summaries: dict[str, PayableSummary] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def summary(
        self,
        payable_id: str,
        amount: int,
        *,
        payee=None,
        reference: str | None = None,
        description: str = "",
        commune_id: int | None = None,
    ) -> PayableSummary:
        summary = PayableSummary(
            kind=FAKE_KIND,
            payable_id=payable_id,
            amount=amount,
            reference=reference or f"LS{payable_id.upper()}",
            description=description or f"Fake order {payable_id}",
            payee_id=payee.pk if payee is not None else None,
            commune_id=commune_id,
        )
        self.summaries[payable_id] = summary
        return summary

    def summarize(self, payable_id: str) -> PayableSummary:
        return self.summaries[payable_id]

    def on_paid(self, payable_id: str, payment) -> None:
        with self._lock:
            self.paid.append((payable_id, payment.reference))

    def on_refunded(self, payable_id: str, refund) -> None:
        with self._lock:
            self.refunded.append((payable_id, refund.amount))

    def refundable_amount(self, payable_id: str) -> int:
        return self.refundable.get(payable_id, 10**12)


@pytest.fixture
def fake_payable():
    fake = FakePayables()
    payables.register(
        FAKE_KIND,
        Payable(
            kind=FAKE_KIND,
            summarize=fake.summarize,
            on_paid=fake.on_paid,
            on_refunded=fake.on_refunded,
            refundable_amount=fake.refundable_amount,
        ),
    )
    yield fake
    payables.unregister(FAKE_KIND)


@pytest.fixture
def payee(db):
    return factories.make_user("producer-mai@example.org", first_name="Mai", last_name="Nguyễn Thị")


@pytest.fixture
def other_payee(db):
    return factories.make_user("producer-lan@example.org")


@pytest.fixture
def buyer(db):
    return factories.make_user("buyer@example.org")


@pytest.fixture
def staff(db):
    return factories.make_user("finance@example.org", is_staff=True)


@pytest.fixture
def stripe_stub(settings):
    """The local Stripe stand-in, with the stripe library pointed at it and a test webhook secret."""
    with StripeStubServer() as stub:
        settings.STRIPE_SECRET_KEY = "sk_test_stub_key"
        settings.STRIPE_API_BASE = stub.url
        settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
        settings.STRIPE_MAX_NETWORK_RETRIES = 0
        yield stub


def signed_post(client, event: dict, *, secret: str = WEBHOOK_SECRET, timestamp: int | None = None):
    """POST an event to the webhook endpoint, signed as Stripe signs it."""
    body = json.dumps(event)
    return client.post(
        "/payments/stripe/webhook/",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, secret, timestamp=timestamp),
    )
