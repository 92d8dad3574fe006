"""A person's token: signing in by email or phone, failed attempts throttled, revoking."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests import factories

TOKEN = "/api/v1/auth/token/"
PASSWORD = factories.PASSWORD


@pytest.fixture
def person(db):
    return factories.make_user("hung@example.org", phone="0912345678", first_name="Hùng")


def _sign_in(login: str, password: str = PASSWORD, *, address: str = "203.0.113.7"):
    return APIClient().post(
        TOKEN,
        {"login": login, "password": password},
        format="json",
        REMOTE_ADDR=address,
        HTTP_ACCEPT_LANGUAGE="en",
    )


def _with_token(key: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


@pytest.mark.django_db
def test_a_person_signs_in_by_email_or_phone_and_gets_one_token_that_works(person):
    by_email = _sign_in("HUNG@example.org")
    by_phone = _sign_in("0912 345 678")

    assert by_email.status_code == by_phone.status_code == 200
    key = by_email.json()["token"]
    assert by_phone.json()["token"] == key == Token.objects.get(user=person).key
    assert _with_token(key).get("/api/v1/orders/").status_code == 200


@pytest.mark.django_db
def test_a_wrong_password_or_an_unknown_login_is_401_and_gives_no_token(person):
    wrong = _sign_in("hung@example.org", "not-the-password")
    unknown = _sign_in("nobody@example.org")

    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json()["error"]["message"] == "The login or the password is wrong."
    assert wrong.json() == unknown.json()  # nothing tells which logins exist
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_an_inactive_account_gets_no_token(person):
    type(person).objects.filter(pk=person.pk).update(is_active=False)

    assert _sign_in("hung@example.org").status_code == 401
    assert not Token.objects.exists()


@pytest.mark.django_db
def test_after_five_failures_the_login_is_refused_with_429_even_with_the_right_password(person):
    # given five failed attempts from one address (accounts.throttling: 5 per login and address, 15 minutes)
    failures = [_sign_in("hung@example.org", f"guess-{number}").status_code for number in range(5)]
    # when the right password comes from the same address
    blocked = _sign_in("hung@example.org")
    # then it is refused with the wait, and no token is made
    assert failures == [401] * 5
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_logins"
    assert 899 <= int(blocked["Retry-After"]) <= 900
    assert not Token.objects.filter(user=person).exists()
    # while the person's own app elsewhere still gets its token: the guesses locked out only their source
    elsewhere = _sign_in("hung@example.org", address="198.51.100.20")
    assert elsewhere.status_code == 200
    assert Token.objects.filter(user=person).count() == 1


@pytest.mark.django_db
def test_a_success_clears_the_failures(person):
    for number in range(4):
        _sign_in("hung@example.org", f"guess-{number}")
    assert _sign_in("hung@example.org").status_code == 200

    later = [_sign_in("hung@example.org", f"again-{number}").status_code for number in range(4)]

    assert later == [401] * 4
    assert _sign_in("hung@example.org").status_code == 200


@pytest.mark.django_db
def test_missing_login_or_password_is_400_with_field_messages(db):
    response = APIClient().post(TOKEN, {"login": ""}, format="json")

    assert response.status_code == 400
    assert set(response.json()["error"]["fields"]) == {"login", "password"}


@pytest.mark.django_db
def test_a_stale_token_header_does_not_stop_signing_in(person):
    client = _with_token("0" * 40)

    response = client.post(TOKEN, {"login": "hung@example.org", "password": PASSWORD}, format="json")

    assert response.status_code == 200


@pytest.mark.django_db
def test_revoking_the_token_makes_it_stop_working(person, api_client):
    key = _sign_in("hung@example.org").json()["token"]
    client = _with_token(key)

    revoked = client.delete(TOKEN)
    after = client.get("/api/v1/orders/")
    with_partner_key = api_client.delete(TOKEN)
    anonymous = APIClient().delete(TOKEN)

    assert revoked.status_code == 204
    assert not Token.objects.exists()
    assert after.status_code == 401
    assert with_partner_key.status_code == anonymous.status_code == 401
    assert anonymous["WWW-Authenticate"] == 'Token realm="api"'
