"""The authorisation matrix: every role against every private page and endpoint, aimed at rows that
belong to someone else (producer A's shop, host A's stay, buyer A's order and booking, partner A's keys
and subscriptions, commune A's office).

The private URL patterns are found by walking Django's resolver; a pattern under a private prefix that
is not in ``MATRIX`` fails the test, so a new private page must be classified here. Expectations:
anonymous visitors are sent to log in (the API answers 401/403); a row whose existence is private answers
404 (never 403) to everyone but its owner; a role's area answers 403 to those without the role; no answer
shows the owner's personal data; refused POSTs change nothing.
"""

import re
import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import translation

from api.models import ApiKey, Partner, Subscription
from core.models import Event
from market.models import Order, Producer, Product
from tourism.models import Booking, CalendarFeed, Host, Service, Unit

PRIVATE_ROUTE = re.compile(
    r"^(vi|en)/(my/|partners/dashboard|indicators/office|market/(my-orders|demands|messages)|market/checkout/<"
    r"|stays/booking/)"
    r"|^api/v1/\^?(orders|bookings|partner)|^calendars/"
)
ROLES = (
    "anonymous",
    "buyer_b",
    "producer_a",
    "producer_b",
    "host_a",
    "host_b",
    "editor_a",
    "moderator_a",
    "moderator_b",
    "partner_a",
    "partner_b",
    "superuser",
)

# kinds: owned  = someone's row: 404 to every other role (existence is private)
#        area   = a role's area: 403 (or 404 for a row inside it) to those without the role
#        mine   = a list of one's own rows: any logged-in role gets 200/404 with none of A's data
#        secret = a capability URL (a random token in the path): a wrong token is 404 for everyone
# owner: the role that may use it (checked to answer 200/302/405, so the URL really is the page)
H = "host_id"
MATRIX = {
    # the producer's shop (market/shop_urls.py)
    "shop:index": ("mine", {}, "producer_a"),
    "shop:create": ("mine", {}, "producer_a"),
    "shop:create_for": ("owned", {"household_id": "user:producer_a"}, None),
    "shop:dashboard": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:profile": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:products": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:product_new": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:product_new_price": ("owned", {"producer_id": "producer_a"}, None),
    "shop:product_new_details": ("owned", {"producer_id": "producer_a"}, None),
    "shop:product_new_discard": ("owned", {"producer_id": "producer_a"}, None),
    "shop:product_edit": ("owned", {"producer_id": "producer_a", "product_id": "product_a"}, "producer_a"),
    "shop:product_stock": ("owned", {"producer_id": "producer_a", "product_id": "product_a"}, None),
    "shop:product_delete": ("owned", {"producer_id": "producer_a", "product_id": "product_a"}, None),
    "shop:product_photo_add": ("owned", {"producer_id": "producer_a", "product_id": "product_a"}, None),
    "shop:orders": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:order_detail": ("owned", {"producer_id": "producer_a", "reference": "order_a"}, "producer_a"),
    "shop:order_action": (
        "owned",
        {"producer_id": "producer_a", "reference": "order_a", "action": "accept"},
        None,
    ),
    "shop:lots": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:payouts": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:demands": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:demand": ("owned", {"producer_id": "producer_a", "public_id": "random"}, None),
    "shop:offers": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:offer_withdraw": ("owned", {"producer_id": "producer_a", "offer_id": 1}, None),
    "shop:inquiries": ("owned", {"producer_id": "producer_a"}, "producer_a"),
    "shop:inquiry": ("owned", {"producer_id": "producer_a", "public_id": "random"}, None),
    # the host's area (tourism/host_urls.py)
    "host:index": ("mine", {}, "host_a"),
    "host:create": ("mine", {}, "host_a"),
    "host:create_for": ("owned", {"household_id": "user:host_a"}, None),
    "host:dashboard": ("owned", {H: "host_a"}, "host_a"),
    "host:profile": ("owned", {H: "host_a"}, "host_a"),
    "host:service_new": ("owned", {H: "host_a"}, "host_a"),
    "host:service_edit": ("owned", {H: "host_a", "service_id": "stay_a"}, "host_a"),
    "host:service_delete": ("owned", {H: "host_a", "service_id": "stay_a"}, None),
    "host:photo_add": ("owned", {H: "host_a", "service_id": "stay_a"}, None),
    "host:photo_remove": ("owned", {H: "host_a", "service_id": "stay_a", "photo_id": 1}, None),
    "host:unit_new": ("owned", {H: "host_a", "service_id": "stay_a"}, "host_a"),
    "host:unit_edit": ("owned", {H: "host_a", "service_id": "stay_a", "unit_id": "unit_a"}, "host_a"),
    "host:season_add": ("owned", {H: "host_a", "service_id": "stay_a", "unit_id": "unit_a"}, None),
    "host:season_remove": (
        "owned",
        {H: "host_a", "service_id": "stay_a", "unit_id": "unit_a", "season_id": 1},
        None,
    ),
    "host:slots": ("owned", {H: "host_a", "service_id": "experience_a"}, "host_a"),
    "host:unit_calendar": ("owned", {H: "host_a", "unit_id": "unit_a"}, "host_a"),
    "host:close_dates": ("owned", {H: "host_a", "unit_id": "unit_a"}, None),
    "host:reopen_dates": ("owned", {H: "host_a", "unit_id": "unit_a", "block_id": 1}, None),
    "host:calendars": ("owned", {H: "host_a", "unit_id": "unit_a"}, "host_a"),
    "host:calendar_address": ("owned", {H: "host_a", "unit_id": "unit_a"}, None),
    "host:feed_add": ("owned", {H: "host_a", "unit_id": "unit_a"}, None),
    "host:feed_upload": ("owned", {H: "host_a", "unit_id": "unit_a"}, None),
    "host:feed_sync": ("owned", {H: "host_a", "unit_id": "unit_a", "feed_id": 1}, None),
    "host:feed_remove": ("owned", {H: "host_a", "unit_id": "unit_a", "feed_id": 1}, None),
    "host:bookings": ("owned", {H: "host_a"}, "host_a"),
    "host:booking_detail": ("owned", {H: "host_a", "reference": "booking_a"}, "host_a"),
    "host:booking_cancel": ("owned", {H: "host_a", "reference": "booking_a"}, None),
    "host:booking_action": ("owned", {H: "host_a", "reference": "booking_a", "action": "confirm"}, None),
    "host:reviews": ("owned", {H: "host_a"}, "host_a"),
    "host:review_reply": ("owned", {H: "host_a", "review_id": 1}, None),
    # a guest's and a buyer's own lists
    "guest:index": ("mine", {}, "buyer"),
    "market:my_orders": ("mine", {}, "buyer"),
    # a buyer's demands and messages (market.views.demands): another's demand or thread is a 404
    "market:my_demands": ("mine", {}, "buyer"),
    "market:demand_new": ("mine", {}, "buyer"),
    "market:demand": ("owned", {"public_id": "random"}, None),
    "market:demand_edit": ("owned", {"public_id": "random"}, None),
    "market:demand_close": ("owned", {"public_id": "random"}, None),
    "market:demand_contact": ("owned", {"public_id": "random", "producer_id": "producer_a"}, None),
    "market:offer_accept": ("owned", {"public_id": "random", "offer_id": 1}, None),
    "market:offer_decline": ("owned", {"public_id": "random", "offer_id": 1}, None),
    "market:inquiries": ("mine", {}, "buyer"),
    "market:inquiry": ("owned", {"public_id": "random"}, None),
    # capability URLs (the token is the key)
    "market:checkout_done": ("secret", {"access_token": "random"}, None),
    "market:pay_checkout": ("secret", {"access_token": "random"}, None),
    "market:cancel_order": ("secret", {"access_token": "random", "reference": "order_a"}, None),
    "market:review_order": ("secret", {"access_token": "random", "reference": "order_a"}, None),
    "tourism:booking": ("secret", {"access_token": "random"}, None),
    "tourism:booking_qr": ("secret", {"access_token": "random"}, None),
    "tourism:pay": ("secret", {"access_token": "random"}, None),
    "tourism:cancel": ("secret", {"access_token": "random"}, None),
    "tourism:review": ("secret", {"access_token": "random"}, None),
    "calendars:unit": ("secret", {"token": "random"}, None),
    # the partner portal (api/portal_urls.py)
    "partners:dashboard": ("mine", {}, "partner_a"),
    "partners:key_new": ("mine", {}, "partner_a"),
    "partners:key_rotate": ("owned", {"key_id": "key_a"}, None),
    "partners:key_revoke": ("owned", {"key_id": "key_a"}, None),
    "partners:usage": ("mine", {}, "partner_a"),
    "partners:subscriptions": ("mine", {}, "partner_a"),
    "partners:subscription_new": ("mine", {}, "partner_a"),
    "partners:subscription_edit": ("owned", {"subscription_id": "subscription_a"}, "partner_a"),
    "partners:subscription_secret": ("owned", {"subscription_id": "subscription_a"}, None),
    "partners:subscription_delete": ("owned", {"subscription_id": "subscription_a"}, "partner_a"),
    "partners:deliveries": ("owned", {"subscription_id": "subscription_a"}, "partner_a"),
    "partners:redeliver": ("owned", {"subscription_id": "subscription_a", "delivery_id": 1}, None),
    "partners:subscription_action": ("owned", {"subscription_id": "subscription_a", "action": "pause"}, None),
    # the commune office (village/indicators)
    "indicators:office": ("mine", {}, "editor_a"),  # one's own communes; 403 without an office role
    "indicators:office_commune": ("area", {"commune_id": "commune_a"}, "editor_a"),
    # the API: a person's orders and bookings, a partner's own account
    "order-list": ("mine", {}, "buyer"),
    "order-detail": ("owned", {"reference": "order_a"}, "buyer"),
    "order-cancel": ("owned", {"reference": "order_a"}, None),
    "booking-list": ("mine", {}, "buyer"),
    "booking-detail": ("owned", {"reference": "booking_a"}, "buyer"),
    "booking-cancel": ("owned", {"reference": "booking_a"}, None),
    "api_partner": ("mine", {}, "partner_a"),
    "api_partner_usage": ("mine", {}, "partner_a"),
    "api_partner_exchange_log": ("mine", {}, "partner_a"),
    "partner-subscription-list": ("mine", {}, "partner_a"),
    "partner-subscription-detail": ("owned", {"pk": "subscription_a"}, "partner_a"),
    "partner-subscription-rotate-secret": ("owned", {"pk": "subscription_a"}, None),
    "partner-delivery-list": ("mine", {}, "partner_a"),
    "partner-delivery-detail": ("owned", {"pk": 1}, None),
    "partner-delivery-redeliver": ("owned", {"pk": 1}, None),
}
API_NAMES = {name for name in MATRIX if "-" in name or name.startswith("api_")}


def walk(patterns, prefix="", namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from walk(
                pattern.url_patterns, prefix + str(pattern.pattern), pattern.namespace or namespace
            )
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def private_routes() -> dict[str, str]:
    return {route: name for route, name in walk(get_resolver().url_patterns) if PRIVATE_ROUTE.search(route)}


def test_every_private_url_pattern_is_in_the_matrix():
    routes = private_routes()
    unclassified = sorted(f"{route} ({name})" for route, name in routes.items() if name not in MATRIX)
    assert len(routes) >= 80
    assert unclassified == [], "new private pages: add them to tests/security/test_authz.py MATRIX"
    gone = sorted(set(MATRIX) - set(routes.values()))
    assert gone == [], "the matrix names URL patterns that no longer exist"


def resolve_value(world, value, role_key: str | None = None):
    if isinstance(value, int):
        return value
    if value == "random":
        return uuid.uuid4()
    if value.startswith("user:"):
        return world.users[value[5:]].pk
    lookups = {
        "producer_a": lambda: world.producer_a.pk,
        "product_a": lambda: world.product_a.pk,
        "order_a": lambda: world.order_a.reference,
        "host_a": lambda: world.host_a.pk,
        "stay_a": lambda: world.stay_a.pk,
        "experience_a": lambda: world.experience_a.pk,
        "unit_a": lambda: world.stay_a.units.order_by("id").first().pk,
        "booking_a": lambda: world.booking_a.reference,
        "subscription_a": lambda: world.subscription_a.pk,
        "key_a": lambda: ApiKey.objects.filter(partner=world.partner_a).order_by("pk").first().pk,
        "commune_a": lambda: world.site["a"]["commune"].pk,
    }
    return lookups[value]() if value in lookups else value  # a slug (an action name) as it is


def target_url(world, name: str) -> str:
    _kind, kwargs, _owner = MATRIX[name]
    values = {key: resolve_value(world, value) for key, value in kwargs.items()}
    if name in API_NAMES or name.startswith("calendars:"):
        return reverse(name, kwargs=values)
    with translation.override("en"):
        return reverse(name, kwargs=values)


def secrets_of_a(world) -> list[str]:
    """What must never reach anyone but A: buyer A's name, address, e-mail, order and booking references,
    partner A's organisation and subscription, the A owners' e-mail addresses."""
    return [
        "Trần Văn Hùng",
        "12 Phố Huế",
        "buyer-a@example.org",
        world.order_a.reference,
        world.booking_a.reference,
        world.partner_a.organisation,
        world.subscription_a.name,
        "producer-a@example.org",
        "host-a@example.org",
        "desk-a@newspaper.example",
    ]


def snapshot() -> tuple:
    models = (Producer, Product, Order, Host, Service, Unit, Booking, Partner, Subscription, CalendarFeed)
    rows = tuple(sorted(map(repr, model.objects.values_list())) for model in models)
    keys = sorted(map(repr, ApiKey.objects.values_list("pk", "partner_id", "prefix", "revoked_at")))
    return (*rows, keys, Event.objects.count())  # a key's last use moves when it is used: not compared


def send(client, method: str, url: str, *, api: bool):
    if method == "GET":
        return client.get(url)
    if api:
        return client.post(url, {}, format="json")
    return client.post(url, {"reason": "x", "confirm": "on"})


def is_login_redirect(response) -> bool:
    return response.status_code == 302 and "login" in response.get("Location", "")


@pytest.fixture
def client_factory(world, token_client, key_client):
    from django.test import Client

    made = {}
    user_of = {"buyer": world.users["buyer"], **world.users}
    keys = {"partner_a": key_client(world.partner_a), "partner_b": key_client(world.partner_b)}

    def make(role: str, *, api: bool):
        if (role, api) in made:
            return made[(role, api)]
        if api:
            from rest_framework.test import APIClient

            if role == "anonymous":
                result = APIClient()
            elif role in keys:
                result = keys[role]
            else:
                result = token_client(user_of[role])
        else:
            result = Client()
            if role != "anonymous":
                result.force_login(user_of[role])
        made[(role, api)] = result
        return result

    return make


def expectation(name: str, kind: str, role: str, *, api: bool) -> set[int] | str:
    """The answers that refuse ``role``; 405 (a method the URL never takes) refuses everyone alike."""
    if kind == "secret":
        return "login or 404" if role == "anonymous" else {404, 405}
    if role == "anonymous":
        return {401, 403, 405} if api else "login"
    if kind == "owned" and api:
        right_credential = role.startswith("partner_") == name.startswith("partner-")
        # the wrong kind of credential is refused before any row is looked at (403 says nothing);
        # the right kind for someone else's row must not learn that it exists
        return {404, 405} if right_credential else {403, 404, 405}
    if kind == "owned":
        return {404, 405}
    if kind == "area":
        return {403, 404, 405}
    # mine: one's own list, an empty one, or a way to open one; checked for A's data below
    return {200, 302, 400, 403, 404, 405}


def test_every_role_against_every_private_page(world, client_factory, settings, figures):
    settings.API_TIER_QUOTAS = {
        t: {"per_minute": 10**9, "per_day": 10**9} for t in ("free", "standard", "premium")
    }
    settings.API_USER_QUOTA = {"per_minute": 10**9, "per_day": 10**9}
    client_factory("partner_a", api=True)  # partner A's key exists before the matrix names it
    urls = {name: target_url(world, name) for name in MATRIX}
    secrets = secrets_of_a(world)
    failures, cells = [], 0

    # the owners reach their own pages (so a 404 below means refused, not a wrong URL)
    for name, (_kind, _kwargs, owner) in MATRIX.items():
        if owner is None:
            continue
        response = client_factory(owner, api=name in API_NAMES).get(urls[name])
        if response.status_code not in (200, 302, 405):
            failures.append(f"owner {owner} GET {urls[name]} → {response.status_code}")

    before = snapshot()
    requested = {role: set() for role in ROLES}
    for name, (kind, _kwargs, owner) in MATRIX.items():
        api = name in API_NAMES
        for role in ROLES:
            if (
                role == owner
                or (owner == "buyer" and role == "buyer")
                or (kind == "area" and role in ("editor_a", "moderator_a", "superuser"))
            ):
                continue
            if kind == "owned" and role == _owner_role(name):
                continue
            client = client_factory(role, api=api)
            # a POST to one's own list creates one's own row (a key, a subscription): GET only there
            for method in ("GET",) if kind == "mine" else ("GET", "POST"):
                cells += 1
                response = send(client, method, urls[name], api=api)
                expected = expectation(name, kind, role, api=api)
                if expected == "login or 404":
                    ok = is_login_redirect(response) or response.status_code in (404, 405)
                else:
                    ok = (
                        is_login_redirect(response)
                        if expected == "login"
                        else response.status_code in expected
                    )
                if not ok:
                    failures.append(
                        f"{role} {method} {urls[name]} → {response.status_code} (expected {expected})"
                    )
                body = response.content.decode(errors="replace") if not response.streaming else ""
                # a reference the attacker put in a URL may come back (on the 404 page, in its own exchange
                # log): that is no leak
                requested[role].add(urls[name])
                leaked = [
                    secret
                    for secret in secrets
                    if secret and secret in body and not any(secret in url for url in requested[role])
                ]
                if leaked:
                    failures.append(f"{role} {method} {urls[name]} shows {leaked}")
    after = snapshot()
    changed = [index for index, (old, new) in enumerate(zip(before, after, strict=True)) if old != new]
    print("\n".join(failures))
    figures(
        f"\nAuthorisation matrix: {len(ROLES)} roles × {len(MATRIX)} private URLs × GET/POST: "
        f"{cells} refused cells, {len(failures)} failures"
    )
    assert failures == []
    assert changed == [], "a refused request changed a row (index into snapshot())"


def _owner_role(name: str) -> str | None:
    """The role owning the row behind an ``owned`` URL (also allowed when the URL has no owner check)."""
    if name.startswith("shop:"):
        return "producer_a"
    if name.startswith("host:"):
        return "host_a"
    if name.startswith("partners:") or name.startswith("partner-"):
        return "partner_a"
    if name.startswith(("order-", "booking-")):
        return "buyer"
    return None


ADMIN_URLS = ("/admin/", "/admin/pages/", "/admin/images/", "/admin/users/", "/django-admin/")


def test_the_admin_sites_refuse_everyone_but_staff(world, client_factory, figures):
    failures = []
    for role in ROLES:
        client = client_factory(role, api=False)
        for url in ADMIN_URLS:
            response = client.get(url)
            allowed_in = role == "superuser" or (
                role in ("editor_a", "moderator_a", "moderator_b")
                and url in ("/admin/", "/admin/pages/", "/admin/images/")
            )
            if allowed_in:
                if response.status_code != 200:
                    failures.append(f"{role} {url} → {response.status_code}")
            elif response.status_code not in (302, 403) or (  # Wagtail sends a member home with a message
                response.status_code == 302
                and "login" not in response["Location"]
                and response["Location"] != "/admin/"
            ):
                failures.append(f"{role} {url} → {response.status_code} {response.get('Location')}")
    print("\n".join(failures))
    figures(f"\nAdmin matrix: {len(ROLES)} roles × {len(ADMIN_URLS)} admin URLs: {len(failures)} failures")
    assert failures == []
