"""What every demo loader above ``village`` needs from the village demo: its communes and its accounts.

``manage.py load_demo`` (village) must have run first; the market and tourism demos add to it.
"""

from accounts.models import Role, User
from accounts.services import add_membership, create_user
from village.models import CommunePage

from .loader import DEMO_PASSWORD

DEMO_COMMUNES = ("ta-van", "bac-ha", "giao-phong", "dinh-hung")
ADMIN_EMAIL = "admin@langso.example"


class MissingVillageDemo(Exception):
    """The village demo has not been loaded (run ``manage.py load_demo`` first)."""


def demo_communes() -> dict[str, CommunePage]:
    """The Vietnamese pages of the demo communes by slug; refuses when any is missing."""
    communes = {
        commune.slug: commune
        for commune in CommunePage.objects.filter(slug__in=DEMO_COMMUNES, locale__language_code="vi")
    }
    missing = sorted(set(DEMO_COMMUNES) - set(communes))
    if missing:
        raise MissingVillageDemo(f"communes not found: {', '.join(missing)}")
    return communes


def existing_account(email: str) -> User:
    """A demo account the village demo created; refuses when it is missing."""
    user = User.objects.filter(email=email).first()
    if user is None:
        raise MissingVillageDemo(f"demo account {email} not found")
    return user


def demo_account(data: dict, *, commune=None, role: Role | None = None, actor=None) -> tuple[User, bool]:
    """The demo account ``data`` describes (email, phone, names), created with the demo password when new,
    and a member of ``commune`` with ``role`` when given. Returns ``(user, created)``."""
    user = User.objects.filter(email=data["email"]).first()
    created = user is None
    if created:
        user = create_user(
            email=data["email"],
            phone=data.get("phone", ""),
            password=DEMO_PASSWORD,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
    if commune is not None and role is not None:
        add_membership(user=user, commune=commune, role=role, actor=actor)
    return user, created


def commune_moderator(commune: CommunePage, *, fallback: User) -> User:
    """The commune's own moderator when it has one, otherwise ``fallback`` (the platform admin)."""
    moderator = (
        User.objects.filter(memberships__commune=commune, memberships__role=Role.COMMUNE_MODERATOR)
        .order_by("pk")
        .first()
    )
    return moderator or fallback
