"""SQL/filter-injection corpus through every filter of the partner API and the site's query strings.

The API's parameters are read from its own OpenAPI schema (``/api/schema/?format=json``), so a new filter
is attacked as soon as it is documented. Each payload goes into one parameter at a time (query
parameters of list and detail operations, path ids of detail operations) with a valid partner key or a
person's token; the page query strings are the fields of the forms the pages bind (catalogue, stay
search, site search, indicators). Every answer is 200/400 (404 for a path id), never a 500, never a
database error text, and the main tables keep their row counts.
"""

import json
import re

import pytest
from django.utils import translation
from wagtail.models import Page

from accounts.models import User
from api.models import ApiKey, Partner, Subscription
from core.models import Event
from market.forms.buyer import CatalogueFilterForm
from market.models import Order, Producer, Product
from tourism.forms.booking import SearchForm, StayDatesForm
from tourism.models import Booking, Service
from village.indicators.data_filters import DataFilterForm

PAYLOADS = [
    "'",
    '"',
    "' OR 1=1--",
    '" OR "1"="1',
    "1 OR 1=1",
    "1; DROP TABLE market_product;--",
    "'; DROP TABLE accounts_user; --",
    "1' UNION SELECT username, password FROM auth_user--",
    "-1 UNION SELECT 1,2,3--",
    "1)) OR ((1=1",
    "\x00",
    "abc\x00def",
    "%",
    "_",
    "%%'%_",
    "\\",
    "A" * 5000,
    "9" * 40,
    "-9223372036854775809",
    "-1",
    "0",
    "1e309",
    "NaN",
    '{"$gt": ""}',
    "[1,2,3]",
    "[[[[[[[[[[]]]]]]]]]]",
    "../../../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "Thôn Tả Van 🐃 ",
    "\u202e\u200b\ufeff",
    "2026-13-45",
    "true; SELECT pg_sleep(5)",
    "${7*7}{{7*7}}",
    "<script>alert(1)</script>",
]
LIST_PAYLOADS = [["1", "' OR 1=1--"], ["", "%"]]  # a parameter given twice

SQL_ERROR = re.compile(
    r"syntax error|sqlite3?\.|OperationalError|ProgrammingError|DataError|IntegrityError|psycopg|"
    r"near \"|unterminated quoted|Traceback|no such (table|column)|integer out of range|SQL",
    re.IGNORECASE,
)
TABLES = (User, Producer, Product, Order, Service, Booking, Partner, ApiKey, Subscription, Page, Event)


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in TABLES}


def check(response, *, allowed, where: str, failures: list) -> None:
    body = response.content.decode(errors="replace")
    if response.status_code not in allowed:
        failures.append(f"{where} → {response.status_code}: {body[:200]}")
    elif SQL_ERROR.search(body) and "<script>" not in where:
        failures.append(f"{where} → database error text: {SQL_ERROR.search(body).group(0)}")


def real_value(world, path: str, name: str) -> str:
    """An id that exists, for the path parameter of an operation whose other parameters are attacked."""
    if name == "reference":
        return world.booking_a.reference if "bookings" in path else world.order_a.reference
    if name == "code":
        return "nonexistent-code"
    if name == "public_id":
        return "00000000-0000-0000-0000-000000000000"
    if "stays" in path:
        return str(world.stay_a.pk)
    if "experiences" in path:
        return str(world.experience_a.pk)
    if "products" in path:
        return str(world.product_a.pk)
    if "producers" in path:
        return str(world.producer_a.pk)
    if "subscriptions" in path:
        return str(world.subscription_a.pk)
    return "1"


@pytest.fixture
def unthrottled(settings):
    settings.API_TIER_QUOTAS = {
        tier: {"per_minute": 10**9, "per_day": 10**9} for tier in ("free", "standard", "premium")
    }
    settings.API_USER_QUOTA = {"per_minute": 10**9, "per_day": 10**9}


def test_every_api_parameter_survives_the_injection_corpus(
    world, key_client, token_client, unthrottled, figures
):
    partner_client = key_client(world.partner_a)
    person_client = token_client(world.users["buyer"])
    schema = json.loads(partner_client.get("/api/schema/?format=json").content)
    before = counts()
    failures: list[str] = []
    requests = parameters = operations = 0
    for path, methods in sorted(schema["paths"].items()):
        operation = methods.get("get")
        if not path.startswith("/api/v1/") or operation is None:
            continue
        operations += 1
        schemes = {name for item in operation.get("security", []) for name in item}
        client = partner_client if "partnerKey" in schemes else person_client
        path_names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
        real = {name: real_value(world, path, name) for name in path_names}

        def url(path=path, path_names=path_names, real=real, **values):
            filled = path
            for name in path_names:
                filled = filled.replace("{" + name + "}", values.get(name, real[name]))
            return filled

        baseline = client.get(url())
        check(baseline, allowed={200, 400, 404}, where=f"GET {url()}", failures=failures)
        requests += 1
        for parameter in operation.get("parameters", []):
            parameters += 1
            name = parameter["name"]
            for payload in PAYLOADS:
                if parameter["in"] == "path":
                    from urllib.parse import quote

                    target = url(**{name: quote(payload, safe="")})
                    response = client.get(target)
                    allowed = {200, 400, 404}
                    where = f"GET {target[:120]}"
                else:
                    response = client.get(url(), {name: payload})
                    allowed = {200, 400, 404} if path_names else {200, 400}
                    where = f"GET {url()}?{name}={payload[:40]!r}"
                requests += 1
                check(response, allowed=allowed, where=where, failures=failures)
            if parameter["in"] == "query":
                for values in LIST_PAYLOADS:
                    response = client.get(url(), {name: values})
                    requests += 1
                    check(
                        response,
                        allowed={200, 400, 404},
                        where=f"GET {url()}?{name}={values}",
                        failures=failures,
                    )
    figures(
        f"\nInjection corpus (API): {len(PAYLOADS)} payloads × {parameters} parameters"
        f" of {operations} operations:"
        f" {requests} requests, {len(failures)} failures"
    )
    assert operations >= 40 and parameters >= 150  # the schema was read, not an empty walk
    assert failures == []
    assert counts() == before


def page_parameters() -> dict[str, list[str]]:
    """Every query parameter the public pages bind: the fields of their GET forms, plus page and q."""
    return {
        "/{lang}/market/": [*CatalogueFilterForm.base_fields, "page"],
        "/{lang}/stays/": [*SearchForm.base_fields, "page"],
        "/{lang}/search/": ["q", "page"],
        "/{lang}/indicators/": ["indicator", "period", "province", "commune"],
        "/{lang}/indicators/data.json": list(DataFilterForm.base_fields),
        "/{lang}/indicators/data.csv": list(DataFilterForm.base_fields),
    }


def test_every_page_query_string_survives_the_injection_corpus(client, world, figures):
    before = counts()
    failures: list[str] = []
    requests = 0
    stay_page = f"/vi/stays/{world.stay_a.slug}/"
    targets = {**page_parameters(), stay_page: list(StayDatesForm.base_fields)}
    for template, names in targets.items():
        for language in ("en",):
            target = template.format(lang=language)
            for name in names:
                for payload in [*PAYLOADS, *LIST_PAYLOADS]:
                    with translation.override(language):
                        response = client.get(target, {name: payload})
                    requests += 1
                    check(
                        response,
                        allowed={200, 400},
                        where=f"GET {target}?{name}={str(payload)[:40]!r}",
                        failures=failures,
                    )
    figures(
        f"\nInjection corpus (pages): {len(PAYLOADS) + len(LIST_PAYLOADS)} payloads × "
        f"{sum(len(n) for n in targets.values())} parameters in English: {requests} requests, "
        f"{len(failures)} failures"
    )
    assert failures == []
    assert counts() == before
