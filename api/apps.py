from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    """The open exchange: partners and API keys, /api/v1/, feeds, embeds and signed webhooks."""

    name = "api"
    verbose_name = _("Partner API")

    def ready(self):
        from . import registration

        registration.register()
