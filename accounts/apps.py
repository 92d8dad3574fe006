from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    """Users (login by phone number or email), roles, commune membership, assisted-mode consent."""

    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import audit

        # The last resort for permission changes made where no service runs (see accounts.audit).
        audit.connect()

        # The Django admin's login says when a login is throttled (accounts.throttling), like Wagtail's.
        from django.contrib import admin

        from .forms import ThrottledAdminLoginForm

        admin.site.login_form = ThrottledAdminLoginForm
