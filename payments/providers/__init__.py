"""Payment providers, one module each, behind the interface in ``base``."""

from .base import PaymentProvider, PaymentStart
from .cod import CashOnDeliveryProvider
from .stripe_provider import StripeProvider
from .vietqr import VietQRProvider

_PROVIDERS: dict[str, PaymentProvider] = {
    provider.name: provider for provider in (CashOnDeliveryProvider(), VietQRProvider(), StripeProvider())
}


def get_provider(name: str) -> PaymentProvider:
    return _PROVIDERS[name]


__all__ = ["PaymentProvider", "PaymentStart", "get_provider"]
