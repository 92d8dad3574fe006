"""Users, roles, commune membership and assisted-mode consent.

A villager often has a phone but no email, so a user logs in with either. The commune (xã) is the
tenant: a membership gives a user a role in one commune.
"""

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .phones import normalize_phone


class Role(models.TextChoices):
    """What a person does on the platform. Platform admins are superusers."""

    COMMUNE_EDITOR = "commune_editor", _("Commune editor")
    COMMUNE_MODERATOR = "commune_moderator", _("Commune moderator")
    DIGITAL_TEAM = "digital_team", _("Community digital technology team member")
    PRODUCER = "producer", _("Producer")
    HOST = "host", _("Host or guide")
    BUYER = "buyer", _("Buyer")
    PARTNER = "partner", _("Partner publisher")


COMMUNE_ROLES = {Role.COMMUNE_EDITOR, Role.COMMUNE_MODERATOR, Role.DIGITAL_TEAM, Role.PRODUCER, Role.HOST}


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, *, email: str = "", phone: str = "", password: str | None, **extra):
        full_name = extra.pop("full_name", "")
        if full_name and not extra.get("first_name"):
            *family, given = full_name.split(" ")
            extra.setdefault("first_name", given)
            extra.setdefault("last_name", " ".join(family))
        if not email and not phone:
            raise ValueError("A user needs a phone number or an email address")
        user = self.model(
            email=self.normalize_email(email) or None,
            phone=normalize_phone(phone) if phone else None,
            **extra,
        )
        user.set_password(password)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str = "", password: str | None = None, *, phone: str = "", **extra):
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create_user(email=email, phone=phone, password=password, **extra)

    def create_superuser(self, email: str = "", password: str | None = None, *, phone: str = "", **extra):
        extra["is_staff"] = True
        extra["is_superuser"] = True
        return self._create_user(email=email, phone=phone, password=password, **extra)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: logs in with a phone number (E.164) or an email address, at least one of them."""

    email = models.EmailField(_("email address"), unique=True, null=True, blank=True)
    phone = models.CharField(_("phone number"), max_length=16, unique=True, null=True, blank=True)
    # Vietnamese names put the family name first: "Nguyễn Thị" (last_name) + "Mai" (first_name).
    first_name = models.CharField(_("given name"), max_length=80, blank=True)
    last_name = models.CharField(_("family and middle names"), max_length=120, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=settings.LANGUAGES, default="vi"
    )
    is_staff = models.BooleanField(_("staff status"), default=False)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    # Django needs one field name; the backend accepts the phone too.
    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.CheckConstraint(
                condition=Q(email__isnull=False) | Q(phone__isnull=False), name="user_has_email_or_phone"
            )
        ]

    def __str__(self) -> str:
        return self.full_name or self.email or self.phone or f"user {self.pk}"

    @property
    def full_name(self) -> str:
        return " ".join(part for part in (self.last_name, self.first_name) if part)

    def get_full_name(self) -> str:
        return self.full_name or str(self)

    def get_short_name(self) -> str:
        return self.first_name or str(self)

    def clean(self):
        super().clean()
        if self.email == "":
            self.email = None
        if self.phone == "":
            self.phone = None
        if self.phone:
            self.phone = normalize_phone(self.phone)
        if not self.email and not self.phone:
            raise ValidationError(_("Give a phone number or an email address."), code="identifier_required")

    def roles_in(self, commune_id: int) -> set[str]:
        return {m.role for m in self.memberships.all() if m.commune_id == commune_id}


class CommuneMembership(models.Model):
    """A user's role in one commune (xã): editor, moderator, digital team member, producer or host."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    commune = models.ForeignKey(settings.COMMUNE_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=32, choices=[(r.value, r.label) for r in Role])
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commune membership")
        verbose_name_plural = _("commune memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "commune", "role"], name="unique_membership_role"),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()}"


class AssistanceConsent(models.Model):
    """A household's consent that a digital team member may act for it (assisted mode).

    Every assisted action records both the helper (actor) and the household (on behalf of).
    """

    household = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents_given")
    helper = models.ForeignKey(User, on_delete=models.CASCADE, related_name="consents_received")
    commune = models.ForeignKey(settings.COMMUNE_MODEL, on_delete=models.CASCADE, related_name="+")
    scope = models.CharField(_("what the helper may do"), max_length=200)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("assistance consent")
        verbose_name_plural = _("assistance consents")
        constraints = [
            models.UniqueConstraint(
                fields=["household", "helper"],
                condition=Q(revoked_at__isnull=True),
                name="one_active_consent",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.helper} → {self.household}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
