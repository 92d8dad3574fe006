from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketConfig(AppConfig):
    """Producers, products, lots, carts, orders and reviews of the highland marketplace."""

    name = "market"
    verbose_name = _("Market")

    def ready(self):
        from . import registration

        registration.register()
