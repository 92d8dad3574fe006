"""The login forms of the admins, told why a throttled login is refused (``accounts.throttling``)."""

import math

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import ngettext
from wagtail.admin.forms.auth import LoginForm

from core.security import client_address

from . import throttling


def too_many_attempts(seconds: int) -> forms.ValidationError:
    minutes = max(1, math.ceil(seconds / 60))
    return forms.ValidationError(
        ngettext(
            "Too many failed attempts to sign in. Try again in %(minutes)s minute.",
            "Too many failed attempts to sign in. Try again in %(minutes)s minutes.",
            minutes,
        ),
        code="too_many_logins",
        params={"minutes": minutes},
    )


class ThrottledLoginMixin:
    """Before the password is checked: a locked login or address gets the cooldown as a form error,
    not the "didn't match" that the backend's refusal would otherwise show."""

    def clean(self):
        login = self.cleaned_data.get("username")
        if login and self.request is not None:
            seconds = throttling.seconds_locked(login=login, address=client_address(self.request))
            if seconds:
                raise too_many_attempts(seconds)
        return super().clean()


class ThrottledLoginForm(ThrottledLoginMixin, LoginForm):
    """The Wagtail admin's login form (``WAGTAILADMIN_USER_LOGIN_FORM``), the site's login too."""


class ThrottledAdminLoginForm(ThrottledLoginMixin, AdminAuthenticationForm):
    """The Django admin's login form (``accounts.admin`` sets it on the default admin site)."""
