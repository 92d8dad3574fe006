"""Log in with a phone number or an email address — throttled (``accounts.throttling``)."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import PermissionDenied, ValidationError

from core.security import client_address

from . import throttling
from .models import User
from .phones import looks_like_phone, normalize_phone


def find_user(identifier: str) -> User | None:
    """The account a login names: by phone number (any way of writing it) or by email address."""
    if looks_like_phone(identifier):
        try:
            return User.objects.filter(phone=normalize_phone(identifier)).first()
        except ValidationError:
            return None
    return User.objects.filter(email__iexact=identifier).first()


class PhoneOrEmailBackend(ModelBackend):
    """Every password check of the platform comes here (admin logins, the API token): while the login or
    the address is locked the check is refused unseen (``PermissionDenied`` ends ``authenticate()``);
    otherwise failures and successes are counted."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get("email") or kwargs.get("phone") or "").strip()
        if not identifier or password is None:
            return None
        address = client_address(request) if request is not None else ""
        if throttling.seconds_locked(login=identifier, address=address):
            raise PermissionDenied
        user = find_user(identifier)
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            throttling.record_failure(login=identifier, address=address)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            throttling.record_success(login=identifier, address=address)
            return user
        throttling.record_failure(login=identifier, address=address, user=user)
        return None
