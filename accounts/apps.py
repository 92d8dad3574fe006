from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users (login by phone number or email), roles, commune membership, assisted-mode consent."""

    name = "accounts"
    verbose_name = _("Accounts")
