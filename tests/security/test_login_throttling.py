"""Login throttling on every door that takes a password (accounts/throttling.py): the Wagtail admin login
(the site's login), the Django admin login and the API token. Five failures for one login (the account
it names: phone and email together), or
LOGIN_FAILURES_PER_ADDRESS_LIMIT from one address, lock it for LOGIN_LOCKOUT_SECONDS, right password or
not; a success clears the login's count; the lock's start is an ``accounts.login.locked`` event."""

import pytest
import time_machine
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from core.models import Event
from tests import factories

PASSWORD = factories.PASSWORD
WAGTAIL_LOGIN = "/admin/login/"
DJANGO_ADMIN_LOGIN = "/django-admin/login/"
TOKEN = "/api/v1/auth/token/"
ADDRESS = "203.0.113.7"
OTHER_ADDRESS = "198.51.100.20"


@pytest.fixture
def person(db):
    return factories.make_user("hung@example.org", phone="0912345678", first_name="Hùng")


def sign_in(login: str, password: str = PASSWORD, *, address: str = ADDRESS, door: str = WAGTAIL_LOGIN):
    """One attempt at a page login, from a fresh browser; returns (response, client)."""
    client = Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")
    if door == DJANGO_ADMIN_LOGIN:
        data = {"username": login, "password": password, "next": "/django-admin/"}
    else:
        data = {"username": login, "password": password}
    return client.post(door, data), client


def refusal_codes(response) -> list[str]:
    return [error.code for error in response.context["form"].non_field_errors().as_data()]


def signed_in(client) -> bool:
    return SESSION_KEY in client.session


def locks():
    return Event.objects.filter(name="accounts.login.locked")


@pytest.mark.django_db
def test_five_wrong_passwords_lock_the_login_from_that_address_not_the_person_elsewhere(person):
    # given five wrong passwords for one login from one address
    failures = [sign_in("hung@example.org", f"guess-{number}")[0] for number in range(5)]
    assert [refusal_codes(response) for response in failures] == [["invalid_login"]] * 5
    # when the right password comes from that address, and from another one
    same, same_client = sign_in("hung@example.org")
    other, other_client = sign_in("hung@example.org", address=OTHER_ADDRESS)
    # then the guessing address is refused with the cooldown, right password or not
    assert same.status_code == 200  # the form again, with the error
    assert refusal_codes(same) == ["too_many_logins"]
    assert "Too many failed attempts to sign in. Try again in 15 minutes." in same.text
    assert not signed_in(same_client)
    # and the person signing in from elsewhere is not locked out by someone else's guesses
    assert other.status_code == 302 and signed_in(other_client)
    # and the lock's start was recorded once, about the person
    event = locks().get()
    assert (event.subject_type, event.subject_id) == ("accounts.user", str(person.pk))
    assert event.payload == {
        "scope": "login_address",
        "failures": 5,
        "lockout_seconds": 900,
        "address": ADDRESS,
    }


@pytest.mark.django_db
def test_guessing_one_login_from_many_addresses_locks_it_everywhere(person, settings):
    settings.LOGIN_FAILURES_PER_ACCOUNT_LIMIT = 6
    # given six failures for one login, two from each of three addresses (no pair reaches five)
    for number in range(6):
        sign_in("hung@example.org", f"guess-{number}", address=f"203.0.113.{number % 3}")
    # when the right password comes from a fourth address
    response, client = sign_in("hung@example.org", address=OTHER_ADDRESS)
    # then the login is locked wherever it is tried from
    assert refusal_codes(response) == ["too_many_logins"]
    assert not signed_in(client)
    assert locks().get().payload["scope"] == "login"


@pytest.mark.django_db
def test_four_failures_do_not_lock_and_a_success_clears_the_count(person):
    for number in range(4):
        sign_in("hung@example.org", f"guess-{number}")
    response, client = sign_in("hung@example.org")
    assert response.status_code == 302 and signed_in(client)

    for number in range(4):
        sign_in("hung@example.org", f"again-{number}")
    response, client = sign_in("hung@example.org")

    assert response.status_code == 302 and signed_in(client)
    assert not locks().exists()


@pytest.mark.django_db
def test_a_persons_phone_and_email_share_one_count_however_they_are_written(person):
    # three ways of writing the phone number, two of the email address: one account, one count
    for login in ("0912 345 678", "+84912345678", "0912.345.678", "HUNG@example.org", "hung@EXAMPLE.org"):
        sign_in(login, "wrong-password")

    by_phone, phone_client = sign_in("+84 912 345 678")
    by_email, email_client = sign_in("hung@example.org")

    assert refusal_codes(by_phone) == refusal_codes(by_email) == ["too_many_logins"]
    assert not signed_in(phone_client) and not signed_in(email_client)
    assert locks().get().payload["scope"] == "login_address"


@pytest.mark.django_db
def test_an_unknown_login_is_counted_as_written_once_normalised(person):
    for login in ("0987 654 321", "+84987654321", "0987.654.321", "84987654321"):
        sign_in(login, "wrong-password")
    assert refusal_codes(sign_in("0987654321", "wrong-password")[0]) == ["invalid_login"]  # the 5th

    assert refusal_codes(sign_in("+84 987 654 321", "wrong-password")[0]) == ["too_many_logins"]
    assert sign_in("hung@example.org")[0].status_code == 302  # another login is not affected


@pytest.mark.django_db
def test_an_unknown_login_is_locked_too_and_says_nothing_more(person):
    for number in range(5):
        sign_in("nobody@example.org", f"guess-{number}")

    response, _client = sign_in("nobody@example.org")

    assert refusal_codes(response) == ["too_many_logins"]
    event = locks().get()
    assert (event.subject_type, event.subject_id) == ("", "")  # no account to name
    assert sign_in("hung@example.org")[0].status_code == 302  # other logins are not affected


@pytest.mark.django_db
def test_one_address_guessing_many_logins_is_locked_and_other_addresses_are_not(person, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS_LIMIT = 6
    # given six failures from one address, each for a different login (no login reaches its limit)
    for number in range(6):
        sign_in(f"guess-{number}@example.org", "wrong-password")
    # when a real person signs in from that address, and from another
    from_there, there_client = sign_in("hung@example.org")
    from_elsewhere, elsewhere_client = sign_in("hung@example.org", address=OTHER_ADDRESS)
    # then the address is locked, the person elsewhere signs in
    assert refusal_codes(from_there) == ["too_many_logins"]
    assert not signed_in(there_client)
    assert from_elsewhere.status_code == 302 and signed_in(elsewhere_client)
    event = locks().get()
    assert event.payload == {"scope": "address", "failures": 6, "lockout_seconds": 900, "address": ADDRESS}
    assert event.subject_id == ""


@pytest.mark.django_db
def test_attempts_during_the_lock_are_not_checked_nor_recorded_again(person):
    for number in range(5):
        sign_in("hung@example.org", f"guess-{number}")
    for number in range(10):
        assert refusal_codes(sign_in("hung@example.org", f"more-{number}")[0]) == ["too_many_logins"]

    assert locks().count() == 1


@pytest.mark.django_db
def test_the_lock_ends_after_the_cooldown(person, settings):
    settings.LOGIN_LOCKOUT_SECONDS = 120
    with time_machine.travel(timezone.now(), tick=False) as clock:
        for number in range(5):
            sign_in("hung@example.org", f"guess-{number}")
        locked, _client = sign_in("hung@example.org")
        assert refusal_codes(locked) == ["too_many_logins"]
        assert "Try again in 2 minutes." in locked.text

        clock.shift(121)
        response, client = sign_in("hung@example.org")

    assert response.status_code == 302 and signed_in(client)


@pytest.mark.django_db
def test_the_django_admin_login_is_throttled_with_the_same_counts(superuser):
    for number in range(3):
        sign_in("root@example.org", f"guess-{number}", door=DJANGO_ADMIN_LOGIN)
    for number in range(2):
        sign_in("root@example.org", f"guess-{number}")  # the Wagtail login: the same count

    response, client = sign_in("root@example.org", door=DJANGO_ADMIN_LOGIN)

    assert response.status_code == 200
    assert refusal_codes(response) == ["too_many_logins"]
    assert not signed_in(client)


@pytest.mark.django_db
def test_the_api_token_is_refused_with_429_after_failures_on_the_pages(person):
    # given five failures on the site's login, with the person's email address
    for number in range(5):
        sign_in("hung@example.org", f"guess-{number}")
    # when an app on that machine asks for the person's token with the right password and the phone number
    response = APIClient(REMOTE_ADDR=ADDRESS).post(
        TOKEN, {"login": "0912345678", "password": PASSWORD}, format="json"
    )
    # then it is refused with the time left, and no token is made
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "too_many_logins"
    assert 899 <= int(response["Retry-After"]) <= 900
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_api_failures_lock_the_page_login(person):
    api = APIClient(REMOTE_ADDR=ADDRESS)
    answers = [
        api.post(TOKEN, {"login": "hung@example.org", "password": f"guess-{n}"}, format="json").status_code
        for n in range(6)
    ]

    response, client = sign_in("hung@example.org")

    assert answers == [401] * 5 + [429]
    assert refusal_codes(response) == ["too_many_logins"]
    assert not signed_in(client)


@pytest.mark.django_db
def test_behind_a_proxy_the_forwarded_address_is_counted(person, settings):
    settings.LOGIN_FAILURES_PER_ADDRESS_LIMIT = 3
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = "10.0.0.2"  # every request reaches Django from the proxy

    def through_proxy(login, password, client_address, claimed=""):
        forwarded = f"{claimed}, {client_address}" if claimed else client_address
        client = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=forwarded)
        return client.post(WAGTAIL_LOGIN, {"username": login, "password": password}), client

    # an attacker at 192.0.2.66 guesses, claiming other addresses in X-Forwarded-For
    for number in range(3):
        through_proxy(f"guess-{number}@example.org", "wrong", "192.0.2.66", claimed=f"203.0.113.{number}")
    blocked, _client = through_proxy("hung@example.org", PASSWORD, "192.0.2.66")
    allowed, client = through_proxy("hung@example.org", PASSWORD, "192.0.2.10")

    assert refusal_codes(blocked) == ["too_many_logins"]
    assert allowed.status_code == 302 and signed_in(client)  # the proxy's own address is not locked
    assert locks().get().payload["address"] == "192.0.2.66"


# --- passwords: the validators (AUTH_PASSWORD_VALIDATORS) where people set one ------------------------

WEAK_PASSWORDS = {
    "too short": ("Xk3#pq9", "password_too_short"),
    "all digits": ("4820193756", "password_entirely_numeric"),
    "common": ("password123", "password_too_common"),
    "like the email address": ("minh.tran.example", "password_too_similar"),
}
STRONG_PASSWORD = "ruộng bậc thang 1987"


def admin_user(email: str):
    """A person who may use the admin (where passwords are changed), not a superuser."""
    from django.contrib.auth.models import Permission

    person = factories.make_user(email, first_name="Minh", last_name="Trần")
    person.user_permissions.add(Permission.objects.get(codename="access_admin"))
    return person


def account_form_data(client) -> dict:
    """Every settings panel of /admin/account/ with its current values (the view saves them all)."""
    response = client.get("/admin/account/")
    data = {}
    for panels in response.context["panels_by_tab"].values():
        for panel in panels:
            form = panel.get_form()
            for name in form.fields:
                value = form[name].value()
                if value in (None, False, ""):
                    continue
                data[form.add_prefix(name)] = value
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(WEAK_PASSWORDS))
def test_a_weak_new_password_is_refused_when_changing_it(case, db):
    password, code = WEAK_PASSWORDS[case]
    person = admin_user("minh.tran@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    data = account_form_data(client)
    data.update(
        {
            "password-old_password": PASSWORD,
            "password-new_password1": password,
            "password-new_password2": password,
        }
    )

    response = client.post("/admin/account/", data)

    assert response.status_code == 200  # the form again
    form = next(
        panel.get_form()
        for panels in response.context["panels_by_tab"].values()
        for panel in panels
        if panel.name == "password"
    )
    assert code in [error.code for error in form.errors.as_data()["new_password2"]]
    person.refresh_from_db()
    assert person.check_password(PASSWORD) and not person.check_password(password)


@pytest.mark.django_db
def test_a_strong_new_password_is_accepted_when_changing_it(db):
    """The control: the refusals above are the validators', not a form that cannot be saved."""
    person = admin_user("minh.tran@example.org")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(person)
    data = account_form_data(client)
    data.update(
        {
            "password-old_password": PASSWORD,
            "password-new_password1": STRONG_PASSWORD,
            "password-new_password2": STRONG_PASSWORD,
        }
    )

    response = client.post("/admin/account/", data)

    assert response.status_code == 302
    person.refresh_from_db()
    assert person.check_password(STRONG_PASSWORD)


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(WEAK_PASSWORDS))
def test_createsuperuser_refuses_a_weak_password_from_the_environment(case, db, monkeypatch):
    from django.core.management import CommandError, call_command

    from accounts.models import User

    password, _code = WEAK_PASSWORDS[case]
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", password)

    with pytest.raises(CommandError) as refused:
        call_command("createsuperuser", "--noinput", "--email", "minh.tran@example.org", verbosity=0)

    assert str(refused.value).startswith("DJANGO_SUPERUSER_PASSWORD: ")
    assert not User.objects.exists()


@pytest.mark.django_db
def test_createsuperuser_accepts_a_strong_password_from_the_environment(db, monkeypatch):
    from django.core.management import call_command

    from accounts.models import User

    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", STRONG_PASSWORD)

    call_command("createsuperuser", "--noinput", "--email", "minh.tran@example.org", verbosity=0)

    user = User.objects.get()
    assert user.is_superuser and user.check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_createsuperuser_asks_again_for_a_weak_typed_password(db, monkeypatch):
    """Interactive: Django's own loop — a weak password is refused unless the operator overrides it."""
    from django.contrib.auth.management.commands import createsuperuser
    from django.core.management import call_command

    from accounts.models import User

    typed = iter(["4820193756", "4820193756", STRONG_PASSWORD, STRONG_PASSWORD])
    answers = iter(["n"])  # "Bypass password validation and create user anyway? [y/N]"
    monkeypatch.setattr(createsuperuser.getpass, "getpass", lambda *args: next(typed))
    monkeypatch.setattr("builtins.input", lambda *a: next(answers))

    call_command(
        "createsuperuser", "--email", "minh.tran@example.org", interactive=True, stdin=None, verbosity=0
    )

    user = User.objects.get()
    assert user.check_password(STRONG_PASSWORD) and not user.check_password("4820193756")


def new_user_data(password: str) -> dict:
    return {
        "email": "minh.tran@example.org",
        "first_name": "Minh",
        "last_name": "Trần",
        "password1": password,
        "password2": password,
        "is_active": "on",
    }


@pytest.mark.django_db
@pytest.mark.parametrize("case", list(WEAK_PASSWORDS))
def test_an_administrator_cannot_give_a_new_account_a_weak_password(case, superuser):
    from accounts.models import User

    password, code = WEAK_PASSWORDS[case]
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(superuser)

    response = client.post("/admin/users/new/", new_user_data(password))

    assert response.status_code == 200  # the form again
    assert code in [error.code for error in response.context["form"].errors.as_data()["password2"]]
    assert not User.objects.filter(email="minh.tran@example.org").exists()


@pytest.mark.django_db
def test_an_administrator_can_give_a_new_account_a_strong_password(superuser):
    from accounts.models import User

    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(superuser)

    response = client.post("/admin/users/new/", new_user_data(STRONG_PASSWORD))

    assert response.status_code == 302, response.context["form"].errors if response.context else ""
    assert User.objects.get(email="minh.tran@example.org").check_password(STRONG_PASSWORD)


@pytest.mark.django_db
def test_while_the_cache_cannot_be_reached_logins_still_work(person, monkeypatch):
    """A resilient cache answers misses and None while Redis is down: throttling fails open."""
    from django.core.cache import cache

    monkeypatch.setattr(cache, "get_many", lambda keys: {})
    monkeypatch.setattr(cache, "add", lambda *args, **kwargs: False)
    monkeypatch.setattr(cache, "incr", lambda *args, **kwargs: None)
    for number in range(6):
        assert refusal_codes(sign_in("hung@example.org", f"guess-{number}")[0]) == ["invalid_login"]

    response, client = sign_in("hung@example.org")

    assert response.status_code == 302 and signed_in(client)
    assert not locks().exists()
