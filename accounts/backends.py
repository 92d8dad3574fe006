"""Log in with a phone number or an email address."""

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from .models import User
from .phones import looks_like_phone, normalize_phone


class PhoneOrEmailBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        identifier = (username or kwargs.get("email") or kwargs.get("phone") or "").strip()
        if not identifier or password is None:
            return None
        user = None
        if looks_like_phone(identifier):
            try:
                user = User.objects.filter(phone=normalize_phone(identifier)).first()
            except ValidationError:
                user = None
        else:
            user = User.objects.filter(email__iexact=identifier).first()
        if user is None:
            User().set_password(password)  # same work as a real check: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
