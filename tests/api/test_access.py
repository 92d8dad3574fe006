"""Who gets in, how much, and in what shape refusals come back (the API's shared conventions)."""

import gzip
import hashlib
import json

import pytest
from rest_framework.test import APIClient

from api.exchange import flush_exchange_log
from api.models import ApiKey, ExchangeRecord, PartnerStatus, Scope, Tier, UsageDay
from api.services import partners as partner_services


def error_of(response) -> dict:
    return response.json()["error"]


@pytest.mark.django_db
def test_no_key_is_401_with_a_bearer_challenge(site_tree):
    response = APIClient().get("/api/v1/products/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'
    assert error_of(response)["code"] == "not_authenticated"
    assert ExchangeRecord.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    "header",
    ["Bearer svp_nonsense", "Bearer svp_abcdefghij_wrongsecret", "Bearer not-our-shape"],
)
def test_unknown_or_malformed_keys_are_401(api_client, header):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=header)

    response = client.get("/api/v1/products/?lang=en")

    assert response.status_code == 401
    assert error_of(response) == {
        "status": 401,
        "code": "authentication_failed",
        "message": "This is not a valid API key.",
    }


@pytest.mark.django_db
def test_refusals_speak_the_language_asked_for(site_tree):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Bearer svp_nonsense")

    in_vietnamese = client.get("/api/v1/products/?lang=vi")
    by_header = client.get("/api/v1/products/", HTTP_ACCEPT_LANGUAGE="en")

    assert error_of(in_vietnamese)["message"] == "Đây không phải là khóa API hợp lệ."
    assert error_of(by_header)["message"] == "This is not a valid API key."


@pytest.mark.django_db
def test_a_right_prefix_with_a_wrong_secret_is_401(api_client):
    prefix = ApiKey.objects.get(partner=api_client.partner).prefix
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Bearer svp_{prefix}_{'x' * 43}")

    assert client.get("/api/v1/products/").status_code == 401


@pytest.mark.django_db
def test_the_key_also_works_in_the_x_api_key_header(api_client):
    client = APIClient()
    client.credentials(HTTP_X_API_KEY=api_client.full_key)

    assert client.get("/api/v1/products/").status_code == 200


@pytest.mark.django_db
def test_a_revoked_key_is_401_and_its_rotation_works(api_client):
    api_key = ApiKey.objects.get(partner=api_client.partner)
    _new_key, new_full_key = partner_services.rotate_key(api_key=api_key, actor=api_client.partner.owner)
    fresh = APIClient()
    fresh.credentials(HTTP_AUTHORIZATION=f"Bearer {new_full_key}")

    revoked = api_client.get("/api/v1/products/?lang=en")

    assert revoked.status_code == 401
    assert "revoked" in error_of(revoked)["message"]
    assert fresh.get("/api/v1/products/").status_code == 200


@pytest.mark.django_db
def test_only_the_hash_of_the_secret_is_stored(api_client):
    api_key = ApiKey.objects.get(partner=api_client.partner)
    secret = api_client.full_key.split("_", 2)[2]

    assert api_key.secret_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert not ApiKey.objects.filter(secret_hash__contains=secret[:12]).exists()
    assert api_client.full_key.startswith(f"svp_{api_key.prefix}_")


@pytest.mark.django_db
def test_a_key_without_the_scope_is_403_and_the_refusal_is_logged(client_for, tea):
    client = client_for(scopes=[Scope.CONTENT_READ])

    response = client.get("/api/v1/products/")

    assert response.status_code == 403
    assert error_of(response)["code"] == "missing_scope"
    assert "market:read" in error_of(response)["message"]
    flush_exchange_log()
    record = ExchangeRecord.objects.get(partner=client.partner)
    assert (record.method, record.status, record.operation) == ("GET", 403, "product.list")


@pytest.mark.django_db
@pytest.mark.parametrize("status", [PartnerStatus.SUSPENDED, PartnerStatus.REJECTED])
def test_a_partner_that_is_not_active_is_403(client_for, status):
    client = client_for(scopes=[Scope.MARKET_READ], status=status)

    response = client.get("/api/v1/products/")

    assert response.status_code == 403
    assert error_of(response)["code"] == "partner_not_active"


@pytest.mark.django_db
def test_over_the_minute_quota_is_429_with_retry_after_and_rate_headers(client_for, settings):
    settings.API_TIER_QUOTAS = {**settings.API_TIER_QUOTAS, "free": {"per_minute": 2, "per_day": 100}}
    client = client_for(scopes=[Scope.MARKET_READ], tier=Tier.FREE)

    first = client.get("/api/v1/products/")
    second = client.get("/api/v1/products/")
    third = client.get("/api/v1/products/")

    assert (first.status_code, second.status_code, third.status_code) == (200, 200, 429)
    assert first["X-RateLimit-Limit"] == "2" and first["X-RateLimit-Remaining"] == "1"
    assert second["X-RateLimit-Remaining"] == "0"
    assert 1 <= int(third["Retry-After"]) <= 60
    assert error_of(third)["code"] == "throttled"
    flush_exchange_log()
    usage = UsageDay.objects.get(partner=client.partner)
    assert (usage.requests, usage.throttled) == (3, 1)


@pytest.mark.django_db
def test_over_the_day_quota_waits_until_tomorrow(client_for, settings):
    settings.API_TIER_QUOTAS = {**settings.API_TIER_QUOTAS, "free": {"per_minute": 100, "per_day": 1}}
    client = client_for(scopes=[Scope.MARKET_READ], tier=Tier.FREE)

    client.get("/api/v1/products/")
    refused = client.get("/api/v1/products/")

    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 60
    assert refused["X-RateLimit-Remaining-Day"] == "0"


@pytest.mark.django_db
def test_the_language_comes_from_lang_or_accept_language_and_a_bad_lang_is_400(api_client):
    by_header = api_client.get("/api/v1/products/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9")
    by_parameter = api_client.get("/api/v1/products/?lang=vi", HTTP_ACCEPT_LANGUAGE="en")
    bad = api_client.get("/api/v1/products/?lang=fr")

    assert by_header["Content-Language"] == "en"
    assert by_parameter["Content-Language"] == "vi"
    assert bad.status_code == 400 and "lang" in error_of(bad)["fields"]


@pytest.mark.django_db
def test_oversized_pages_are_capped_and_a_bad_limit_is_400(api_client, producer_a):
    from tests.market.conftest import make_product

    for number in range(3):
        make_product(producer_a, f"Chè {number}")

    capped = api_client.get("/api/v1/products/?limit=5000")
    bad = api_client.get("/api/v1/products/?limit=many")
    zero = api_client.get("/api/v1/products/?limit=0")

    assert capped.status_code == 200 and len(capped.json()["results"]) == 3
    assert bad.status_code == 400 and "limit" in error_of(bad)["fields"]
    assert zero.status_code == 400


@pytest.mark.django_db
def test_unknown_api_addresses_and_unknown_ids_answer_in_the_error_shape(api_client):
    nowhere = api_client.get("/api/v1/nothing-here/")
    missing = api_client.get("/api/v1/products/999999/")

    assert nowhere.status_code == 404 and nowhere["Content-Type"] == "application/json"
    assert error_of(nowhere)["code"] == "not_found"
    assert missing.status_code == 404 and error_of(missing)["status"] == 404


@pytest.mark.django_db
def test_if_modified_since_after_the_last_change_is_304(api_client, tea):
    first = api_client.get("/api/v1/products/")

    again = api_client.get("/api/v1/products/", HTTP_IF_MODIFIED_SINCE=first["Last-Modified"])

    assert again.status_code == 304


@pytest.mark.django_db
def test_browsers_may_read_cross_origin_but_not_write(api_client):
    preflight = api_client.options(
        "/api/v1/products/",
        HTTP_ORIGIN="https://newspaper.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
        HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
    )
    read = api_client.get("/api/v1/products/", HTTP_ORIGIN="https://newspaper.example")
    page = api_client.get("/vi/", HTTP_ORIGIN="https://newspaper.example")

    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "*"
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Authorization" in preflight["Access-Control-Allow-Headers"]
    assert read["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in read["Access-Control-Expose-Headers"]
    assert "Access-Control-Allow-Origin" not in page


@pytest.mark.django_db
def test_answers_are_gzipped_when_asked(api_client, producer_a):
    from tests.market.conftest import make_product

    for number in range(10):
        make_product(producer_a, f"Chè Shan Tuyết số {number}")

    response = api_client.get("/api/v1/products/", HTTP_ACCEPT_ENCODING="gzip")

    assert response["Content-Encoding"] == "gzip"
    assert len(json.loads(gzip.decompress(response.content))["results"]) == 10


@pytest.mark.django_db
def test_the_schema_and_its_documentation_are_served_without_a_key_and_without_a_cdn(client):
    schema = client.get("/api/schema/?format=json")
    swagger = client.get("/api/docs/")
    redoc = client.get("/api/redoc/")

    assert schema.status_code == 200
    paths = json.loads(schema.content)["paths"]
    assert "/api/v1/products/" in paths
    assert set(paths["/api/v1/products/"]["get"]["responses"]) >= {"200", "304", "400", "401", "403", "429"}
    for page in (swagger, redoc):
        html = page.content.decode()
        assert page.status_code == 200
        assert "/static/drf_spectacular_sidecar/" in html
        assert "cdn.jsdelivr" not in html and "unpkg" not in html


@pytest.mark.django_db
def test_the_answer_cache_serves_the_same_question_until_content_changes(
    api_client, tea, settings, django_capture_on_commit_callbacks
):
    from market.services.shop import update_product

    settings.API_RESPONSE_CACHE_SECONDS = 300
    first = api_client.get("/api/v1/products/")
    second = api_client.get("/api/v1/products/")
    with django_capture_on_commit_callbacks(execute=True):
        update_product(product=tea, actor=tea.producer.owner, price=360_000)
    third = api_client.get("/api/v1/products/")

    assert "X-Answer-Cache" not in first and second["X-Answer-Cache"] == "hit"
    assert second.content == first.content and second["ETag"] == first["ETag"]
    assert "X-Answer-Cache" not in third and third.json()["results"][0]["price"] == 360_000
    flush_exchange_log()
    assert ExchangeRecord.objects.filter(partner=api_client.partner, status=200).count() == 3


@pytest.mark.django_db
def test_one_partner_never_gets_another_partners_cached_answer(api_client, client_for, tea, settings):
    settings.API_RESPONSE_CACHE_SECONDS = 300
    other = client_for(scopes=[Scope.MARKET_READ])

    mine = api_client.get("/api/v1/products/").json()["results"][0]["syndication"]["tracked_url"]
    theirs = other.get("/api/v1/products/")

    assert "X-Answer-Cache" not in theirs
    assert theirs.json()["results"][0]["syndication"]["tracked_url"] != mine


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/api/v1/notices/99999999999999999999999/"),
        ("get", "/api/v1/products/18446744073709551616/"),
        ("delete", "/api/v1/partner/subscriptions/%C2%84/"),
        ("post", "/api/v1/partner/deliveries/x/redeliver/"),
        ("get", "/api/v1/partner/deliveries/a%0Ab/"),
    ],
)
def test_addresses_that_name_no_resource_are_a_json_404_even_for_writes(api_client, method, path):
    api_client.handler.enforce_csrf_checks = True

    response = getattr(api_client, method)(path)

    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert error_of(response)["code"] == "not_found"


@pytest.mark.django_db
def test_a_cached_key_stops_working_as_soon_as_it_is_revoked_or_the_partner_suspended(api_client, client_for):
    from django.core.cache import cache

    other = client_for(scopes=[Scope.MARKET_READ])
    assert api_client.get("/api/v1/products/").status_code == 200
    assert other.get("/api/v1/products/").status_code == 200
    api_key = ApiKey.objects.get(partner=api_client.partner)
    assert cache.get(f"api-key:{cache.get('api-key-generation')}:{api_key.prefix}") is not None  # cached

    partner_services.revoke_key(api_key=api_key, actor=api_client.partner.owner)
    admin = other.partner.reviewed_by
    partner_services.suspend_partner(partner=other.partner, reviewer=admin, reason="Spam")

    assert api_client.get("/api/v1/products/").status_code == 401
    assert other.get("/api/v1/products/").status_code == 403
