"""Early answers (api.shortcut): a partner's revalidation or repeated question is answered before the
rest of the stack — with the full path's status, body, headers, checks and evidence — and never when a
check could come out differently. Needs Redis (``REDIS_URL``): without it every request takes the full
path, which the rest of the suite covers."""

import gzip
import json

import pytest
from django.core.cache import cache

from api import keys, quotas, shortcut
from api.models import ApiKey, ExchangeRecord, Scope
from api.services import partners as partner_services
from api.views.base import ApiViewMixin
from tests import factories

needs_redis = pytest.mark.skipif(not quotas.settings.REDIS_URL, reason="early answers need Redis (REDIS_URL)")

PRODUCTS = "/api/v1/products/?limit=50"
#: headers that differ between any two answers (the request id, the counters, the moving reset time)
VOLATILE = {"X-Request-ID", "X-RateLimit-Remaining", "X-RateLimit-Remaining-Day", "X-RateLimit-Reset"}
#: and, for gzip answers, the random padding GZipMiddleware adds (BREACH) changes the length
SIZES = {"Content-Length"}


@pytest.fixture
def full_path(monkeypatch):
    """The paths the full request cycle (DRF's ``initial``) ran for."""
    ran = []
    original = ApiViewMixin.initial

    def spy(self, request, *args, **kwargs):
        ran.append(request.path)
        return original(self, request, *args, **kwargs)

    monkeypatch.setattr(ApiViewMixin, "initial", spy)
    shortcut._target_of.cache_clear()
    yield ran
    shortcut._target_of.cache_clear()


@pytest.fixture
def answers_kept(settings):
    settings.API_RESPONSE_CACHE_SECONDS = 300
    keys.forget_local_keys()
    cache.clear()
    yield
    keys.forget_local_keys()


def stable_headers(response, *, leave_out=frozenset()) -> dict:
    return {name: value for name, value in response.headers.items() if name not in VOLATILE | leave_out}


def body_of(response) -> dict:
    content = response.content
    if response.get("Content-Encoding") == "gzip":
        content = gzip.decompress(content)
    return json.loads(content)


def minute_count(partner) -> int:
    minute_key, _day_key = quotas.window_keys(f"p{partner.pk}", quotas.time.time())
    return int(cache.get(minute_key) or 0)


@pytest.mark.django_db
@needs_redis
def test_a_repeated_question_gets_the_full_paths_answer_early(
    api_client, tea, plums, answers_kept, full_path
):
    headers = {
        "HTTP_ACCEPT": "application/json",
        "HTTP_ACCEPT_ENCODING": "gzip",
        "HTTP_ORIGIN": "https://x.example",
    }
    first = api_client.get(PRODUCTS, **headers)
    keys.forget_local_keys()  # so the second is answered by the full path, from the answer cache
    full = api_client.get(PRODUCTS, **headers)
    ran_in_full = list(full_path)

    early = api_client.get(PRODUCTS, **headers)

    assert (first.status_code, full.status_code, early.status_code) == (200, 200, 200)
    assert ran_in_full == ["/api/v1/products/", "/api/v1/products/"]
    assert full_path == ran_in_full  # the third never reached DRF
    assert full["X-Answer-Cache"] == early["X-Answer-Cache"] == "hit"
    assert early["Content-Encoding"] == "gzip" and early["ETag"].startswith('W/"')
    assert stable_headers(early, leave_out=SIZES) == stable_headers(full, leave_out=SIZES)
    assert body_of(early) == body_of(full) == body_of(first)
    assert {item["id"] for item in body_of(early)["results"]} == {tea.pk, plums.pk}


@pytest.mark.django_db
@needs_redis
def test_a_client_without_gzip_gets_the_plain_answer_early(api_client, tea, answers_kept, full_path):
    first = api_client.get(PRODUCTS, HTTP_ACCEPT="application/json")
    early = api_client.get(PRODUCTS, HTTP_ACCEPT="application/json")

    assert full_path == ["/api/v1/products/"]
    assert early.status_code == 200 and "Content-Encoding" not in early
    assert json.loads(early.content) == json.loads(first.content)
    assert early["Content-Length"] == str(len(first.content))


@pytest.mark.django_db
@needs_redis
def test_a_revalidation_gets_the_full_paths_304_early(api_client, tea, answers_kept, full_path):
    etag = api_client.get(PRODUCTS)["ETag"]
    keys.forget_local_keys()
    full = api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag)
    early = api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag)
    by_date = api_client.get(PRODUCTS, HTTP_IF_MODIFIED_SINCE=full["Last-Modified"])

    assert (full.status_code, early.status_code, by_date.status_code) == (304, 304, 304)
    assert full_path == ["/api/v1/products/", "/api/v1/products/"]
    assert stable_headers(early) == stable_headers(full)
    assert early.content == b"" and "Content-Type" not in early


@pytest.mark.django_db
@needs_redis
def test_an_early_answer_is_logged_and_counted_like_any_other(api_client, tea, answers_kept, full_path):
    partner = api_client.partner
    etag = api_client.get(PRODUCTS + "&category=tea")["ETag"]
    keys.forget_local_keys()
    api_client.get(PRODUCTS + "&category=tea")  # the full path, from the cache
    api_client.get(PRODUCTS + "&category=tea")  # early
    api_client.get(PRODUCTS + "&category=tea", HTTP_IF_NONE_MATCH=etag)  # early

    records = list(
        ExchangeRecord.objects.filter(partner=partner)
        .order_by("created_at", "pk")
        .values_list("operation", "status", "parameters", "response_digest", "key_prefix", "path")
    )
    assert len(full_path) == 2
    assert len(records) == 4
    assert [record[:3] for record in records[:3]] == [
        ("product.list", 200, {"limit": "50", "category": "tea"})
    ] * 3
    assert records[1][3] == records[2][3] == records[0][3] != ""  # the digest of the same JSON
    assert records[3][:4] == ("product.list", 304, {"limit": "50", "category": "tea"}, "")
    assert minute_count(partner) == 4


@pytest.mark.django_db
@needs_redis
def test_a_revoked_key_is_refused_on_its_next_request(api_client, tea, answers_kept, full_path):
    etag = api_client.get(PRODUCTS)["ETag"]
    assert api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag).status_code == 304
    api_key = ApiKey.objects.get(partner=api_client.partner)
    partner_services.revoke_key(api_key=api_key, actor=api_client.partner.owner)
    counted = minute_count(api_client.partner)

    refused = api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag)

    assert refused.status_code == 401
    assert minute_count(api_client.partner) == counted  # not counted early for a key that moved


@pytest.mark.django_db
@needs_redis
def test_a_scope_taken_away_is_refused_not_revalidated(api_client, tea, answers_kept, site_tree):
    etag = api_client.get(PRODUCTS)["ETag"]
    partner = api_client.partner
    admin = factories.make_user("terms-admin@example.org", superuser=True)
    partner_services.update_partner_terms(
        partner=partner, reviewer=admin, tier=partner.tier, scopes=[Scope.CONTENT_READ], licence_terms="x"
    )

    refused = api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag)

    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "missing_scope"


@pytest.mark.django_db
@needs_redis
def test_over_quota_is_refused_by_the_full_path_and_counted_once(
    api_client, tea, answers_kept, settings, full_path
):
    settings.API_TIER_QUOTAS = {**settings.API_TIER_QUOTAS, "standard": {"per_minute": 3, "per_day": 100}}
    etag = api_client.get(PRODUCTS)["ETag"]
    answers = [api_client.get(PRODUCTS, HTTP_IF_NONE_MATCH=etag) for _ in range(3)]

    assert [answer.status_code for answer in answers] == [304, 304, 429]
    assert answers[2]["X-RateLimit-Remaining"] == "0" and int(answers[2]["Retry-After"]) >= 1
    assert minute_count(api_client.partner) == 4  # each request once, the refused one too
    assert full_path == ["/api/v1/products/", "/api/v1/products/"]  # the first, and the refusal


@pytest.mark.django_db
@needs_redis
def test_a_question_not_asked_before_goes_the_full_path_once(api_client, tea, plums, answers_kept, full_path):
    api_client.get(PRODUCTS)
    counted = minute_count(api_client.partner)

    other = api_client.get(PRODUCTS + "&category=fruit")

    assert other.status_code == 200 and "X-Answer-Cache" not in other
    assert minute_count(api_client.partner) == counted + 1  # counted early, not again in full
    assert full_path == ["/api/v1/products/", "/api/v1/products/"]


@pytest.mark.parametrize(
    ("path", "early"),
    [
        ("/api/v1/products/", True),
        ("/api/v1/products/12/", True),
        ("/api/v1/guides/", True),
        ("/api/v1/stays/", True),
        ("/api/v1/search/", False),  # what a key may read there depends on its scopes per kind
        ("/api/v1/indicators/values/", False),  # moves the content clock in check_throttles
        ("/api/v1/orders/", False),  # a person's token only
        ("/api/v1/partner/usage/", False),  # the partner's own, never conditional
        ("/api/v1/partner/subscriptions/", False),
        ("/api/v1/nothing-here/", False),
        ("/vi/", False),
    ],
)
def test_only_views_with_the_standard_checks_answer_early(path, early):
    shortcut._target_of.cache_clear()
    target = shortcut.view_target(path, "GET")
    assert (target is not None) is early
    if early:
        assert target.allow == "GET, HEAD, OPTIONS"
        assert target.operation.endswith(
            ".retrieve" if path.rstrip("/").split("/")[-1].isdigit() else ".list"
        )


@pytest.mark.django_db
@needs_redis
@pytest.mark.parametrize(
    ("extra", "refused"),
    [({"HTTP_ACCEPT": "text/html"}, 406), ({"QUERY": "&format=xml"}, 404)],
)
def test_a_question_drf_would_refuse_is_refused_not_revalidated(
    api_client, tea, answers_kept, full_path, extra, refused
):
    api_client.get(PRODUCTS)  # the full path: this process now holds the key
    headers = {name: value for name, value in extra.items() if name != "QUERY"}
    counted = minute_count(api_client.partner)

    answer = api_client.get(
        PRODUCTS + extra.get("QUERY", ""),
        HTTP_IF_NONE_MATCH="*",
        HTTP_IF_MODIFIED_SINCE="Fri, 01 Jan 2100 00:00:00 GMT",
        **headers,
    )

    assert answer.status_code == refused
    assert len(full_path) == 2  # the first, and this one
    assert minute_count(api_client.partner) == counted  # refused before any quota was counted
