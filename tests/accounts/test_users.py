"""Users log in with a Vietnamese phone number (typed any usual way) or an email address.

Also: every user has a phone or an email, phones are stored in E.164, and assisted-mode consent is
granted and revoked with an audit trail.
"""

import pytest
from django.contrib.auth import SESSION_KEY, authenticate
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from accounts.models import AssistanceConsent, Role, User
from accounts.phones import normalize_phone
from accounts.services import create_user, grant_consent, has_consent, revoke_consent
from core.models import Event
from village.services import add_commune_member

from ..factories import PASSWORD

PHONE_FORMS = ["0912 345 678", "0912345678", "+84912345678", "+84 912 345 678", "84912345678", "091.234.5678"]


@pytest.fixture
def villager(db):
    return create_user(
        password=PASSWORD, phone="0912 345 678", email="Mai.Sung@Example.org", full_name="Sùng Thị Mai"
    )


@pytest.fixture
def admin_villager(site_tree, villager):
    """The villager as an editor of commune A, so the Wagtail admin lets them in."""
    add_commune_member(commune=site_tree["a"]["commune"], user=villager, role=Role.COMMUNE_EDITOR)
    return villager


def test_a_new_user_is_stored_with_an_e164_phone_and_recorded(villager):
    assert villager.phone == "+84912345678"
    assert villager.email == "Mai.Sung@example.org"  # the domain is lower-cased, the local part kept
    assert (villager.last_name, villager.first_name) == ("Sùng Thị", "Mai")
    assert Event.objects.named("accounts.user.created").for_subject(villager).count() == 1


# --- authenticate ---------------------------------------------------------------------------------


@pytest.mark.parametrize("typed", PHONE_FORMS)
def test_login_by_phone_in_any_usual_form(villager, typed):
    assert authenticate(username=typed, password=PASSWORD) == villager


@pytest.mark.parametrize(
    "typed",
    ["Mai.Sung@Example.org", "mai.sung@example.org", "MAI.SUNG@EXAMPLE.ORG", " mai.sung@example.org "],
)
def test_login_by_email_ignores_case(villager, typed):
    assert authenticate(username=typed, password=PASSWORD) == villager


@pytest.mark.parametrize("typed", ["0912 345 678", "mai.sung@example.org"])
def test_wrong_password_is_refused(villager, typed):
    assert authenticate(username=typed, password=PASSWORD + "x") is None
    assert authenticate(username=typed, password="") is None


@pytest.mark.parametrize("typed", ["0912 345 679", "+44 20 7946 0958", "someone@example.org", "", "   "])
def test_unknown_or_foreign_identifiers_are_refused(villager, typed):
    assert authenticate(username=typed, password=PASSWORD) is None


def test_inactive_user_is_refused(villager):
    # given a deactivated account
    User.objects.filter(pk=villager.pk).update(is_active=False)
    # then neither phone nor email logs in, even with the right password
    assert authenticate(username="0912345678", password=PASSWORD) is None
    assert authenticate(username="mai.sung@example.org", password=PASSWORD) is None


# --- the Wagtail admin login form -----------------------------------------------------------------


@pytest.mark.parametrize("typed", ["0912 345 678", "+84912345678", "84912345678", "MAI.SUNG@example.org"])
def test_admin_login_form_accepts_phone_or_email(client, admin_villager, typed):
    # when the villager logs in to the admin with a phone number or email
    response = client.post(reverse("wagtailadmin_login"), {"username": typed, "password": PASSWORD})
    # then they are logged in and sent to the dashboard
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert client.session[SESSION_KEY] == str(admin_villager.pk)


@pytest.mark.parametrize(
    ("typed", "password", "active"),
    [
        ("0912 345 678", "wrong-password-1", True),
        ("mai.sung@example.org", "wrong-password-1", True),
        ("0912 345 678", PASSWORD, False),
    ],
    ids=["wrong-password-phone", "wrong-password-email", "inactive"],
)
def test_admin_login_form_refuses(client, admin_villager, typed, password, active):
    # given the villager's account (possibly deactivated)
    User.objects.filter(pk=admin_villager.pk).update(is_active=active)
    # when someone logs in with a wrong password, or the account is inactive
    response = client.post(reverse("wagtailadmin_login"), {"username": typed, "password": password})
    # then the form comes back with an error and nobody is logged in
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert SESSION_KEY not in client.session


# --- identifiers ------------------------------------------------------------------------------------


def test_a_user_needs_a_phone_or_an_email(db):
    users_before = User.objects.count()
    # the model refuses it with a clear message
    with pytest.raises(ValidationError) as refused:
        User(first_name="Mai").full_clean(exclude=["password"])
    assert refused.value.error_dict["__all__"][0].code == "identifier_required"
    # the service refuses it
    with pytest.raises(ValueError, match="phone number or an email"):
        create_user(password=PASSWORD, full_name="Sùng Thị Mai")
    # and the database refuses it even if both checks were skipped
    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.bulk_create([User(email=None, phone=None, password="x")])
    assert User.objects.count() == users_before


def test_phone_only_and_email_only_users_are_fine(db):
    phone_only = create_user(password=PASSWORD, phone="0987 654 321")
    email_only = create_user(password=PASSWORD, email="hoa@example.org")
    assert (phone_only.phone, phone_only.email) == ("+84987654321", None)
    assert (email_only.phone, email_only.email) == (None, "hoa@example.org")
    assert authenticate(username="0987654321", password=PASSWORD) == phone_only
    assert authenticate(username="hoa@example.org", password=PASSWORD) == email_only


@pytest.mark.parametrize("typed", PHONE_FORMS)
def test_phone_normalisation(typed):
    assert normalize_phone(typed) == "+84912345678"


@pytest.mark.parametrize("landline", ["0214 3871 234", "+84 214 3871 234", "024 3825 1234"])
def test_landlines_are_accepted(landline):
    assert normalize_phone(landline).startswith("+842")


@pytest.mark.parametrize(
    "foreign",
    [
        "+44 20 7946 0958",
        "+1 212 555 0100",
        "+86 138 0013 8000",
        "0012 345 678",
        "0612 345 678",
        "0912 345",
        "0912 345 6789 0",
        "091234567a",
        "",
        "hello",
    ],
)
def test_phone_normalisation_refuses_what_is_not_a_vietnamese_number(foreign):
    with pytest.raises(ValidationError) as refused:
        normalize_phone(foreign)
    assert refused.value.code == "invalid_phone"


def test_the_same_phone_typed_differently_is_the_same_user(villager):
    users_before = User.objects.count()
    with pytest.raises(ValidationError) as refused:
        create_user(password=PASSWORD, phone="+84 912 345 678")
    assert "phone" in refused.value.error_dict
    assert User.objects.count() == users_before


def test_a_foreign_phone_cannot_be_registered(db):
    with pytest.raises(ValidationError):
        create_user(password=PASSWORD, phone="+44 20 7946 0958")
    assert not User.objects.exists()


# --- assisted mode ----------------------------------------------------------------------------------


@pytest.fixture
def helper(site_tree):
    helper = create_user(password=PASSWORD, phone="0978 111 222", full_name="Giàng A Páo")
    add_commune_member(commune=site_tree["a"]["commune"], user=helper, role=Role.DIGITAL_TEAM)
    return helper


def test_household_grants_and_revokes_consent_with_an_audit_trail(site_tree, villager, helper):
    commune = site_tree["a"]["commune"]
    # when the household lets the digital team member act for it
    consent = grant_consent(household=villager, helper=helper, commune=commune, scope="list products")
    # then the consent is active and the grant is recorded with the household as actor
    assert has_consent(household=villager, helper=helper)
    granted = Event.objects.named("accounts.consent.granted").for_subject(consent).get()
    assert granted.actor == villager
    assert granted.commune_id == commune.pk
    assert granted.payload == {"helper": helper.pk, "scope": "list products"}
    # when the household revokes it (twice, e.g. a double tap)
    revoke_consent(consent=consent, actor=villager)
    revoked = revoke_consent(consent=consent, actor=villager)
    # then it is inactive and the revocation is recorded once, with its actor
    assert revoked.revoked_at is not None
    assert not has_consent(household=villager, helper=helper)
    revocation = Event.objects.named("accounts.consent.revoked").for_subject(consent).get()
    assert revocation.actor == villager
    assert revocation.commune_id == commune.pk


def test_only_one_active_consent_per_household_and_helper(site_tree, villager, helper):
    commune = site_tree["a"]["commune"]
    grant_consent(household=villager, helper=helper, commune=commune, scope="list products")
    events_before = Event.objects.named("accounts.consent.granted").count()
    # when a second consent is granted while the first is active
    with pytest.raises(IntegrityError), transaction.atomic():
        grant_consent(household=villager, helper=helper, commune=commune, scope="answer orders")
    # then nothing new is stored
    assert AssistanceConsent.objects.filter(household=villager, helper=helper).count() == 1
    assert Event.objects.named("accounts.consent.granted").count() == events_before
