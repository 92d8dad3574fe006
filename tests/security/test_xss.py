"""XSS corpus: every payload written into every field a user can write, fetched from every page, feed,
API answer, embed card, oEmbed answer and JSON-LD block that shows it.

The world's rows are made through the services the forms call (producers, products, hosts, stays,
orders, bookings, partners, subscriptions); each round then rotates the corpus over the text fields
(round ``r`` puts payload ``(r + i) % N`` into field ``i``, so after ``N`` rounds every payload has been in
every field) and fetches every view. HTML answers must never contain a payload verbatim (Django's
escaping changes each of ``< > " ' &``), never a ``javascript:`` link; JSON-LD blocks must parse and
contain no ``<`` (so ``</script>`` cannot close the tag); feeds must be well-formed XML or JSON.
"""

import json
import re
import xml.etree.ElementTree as ElementTree
from datetime import timedelta
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import User
from api.models import Partner, Subscription
from core.search.backends import get_search_backend
from market.models import Checkout, Lot, Order, Producer, Product
from market.models import Review as ProductReview
from tourism.models import Booking, Host, Review, Service, Unit

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    '"><img src=x onerror=alert(1)>',
    "'><svg onload=alert(1)>",
    '" onmouseover="alert(1)',
    "' onfocus='alert(1)' autofocus='",
    "<svg/onload=alert(1)>",
    "<img src=x onerror=alert`1`>",
    "<iframe src=javascript:alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "javascript:alert(document.cookie)",
    "<body onload=alert(1)>",
    "<details open ontoggle=alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "</title><script>alert(1)</script>",
    "</textarea><script>alert(1)</script>",
    "</script><script>alert(1)</script>",
    '"}</script><script>alert(1)</script>',
    "{{7*7}}<b>x</b>",
    "{% csrf_token %}<i>x</i>",
    "${7*7}<u>x</u>",
    "<style>*{background:url(javascript:alert(1))}</style>",
    "<object data=data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==>",
    "<input autofocus onfocus=alert(1)>",
    "<video><source onerror=alert(1)>",
    "<\u0073cript>alert('unicode')</\u0073cript>",
    "＜script＞alert(1)＜/script＞<b>fullwidth</b>",
    "%3Cscript%3Ealert(1)%3C%2Fscript%3E<b>x</b>",
    "&lt;script&gt;alert(1)&lt;/script&gt;<b>x</b>",
    "<!--<script>alert(1)//-->",
    "<![CDATA[<script>alert(1)</script>]]>",
    "Chè Tả Van <script>alert('vi')</script> ngon",
    "\\u003cscript\\u003ealert(1)\\u003c/script\\u003e<b>x</b>",
    "<meta http-equiv=refresh content=0;url=javascript:alert(1)>",
]
# (model, filter on the world, field, max length): the text fields users write
JSONLD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


def fields(world):
    """The writable text fields and the rows they belong to (``queryset``, ``field``, max length)."""
    review = Review.objects.filter(service=world.stay_a)
    return [
        (Producer.objects.filter(pk=world.producer_a.pk), "name", 120),
        (Producer.objects.filter(pk=world.producer_a.pk), "story_en", 4000),
        (Producer.objects.filter(pk=world.producer_a.pk), "story_vi", 4000),
        (Producer.objects.filter(pk=world.producer_a.pk), "pickup_note", 200),
        (Product.objects.filter(pk=world.product_a.pk), "name_vi", 140),
        (Product.objects.filter(pk=world.product_a.pk), "name_en", 140),
        (Product.objects.filter(pk=world.product_a.pk), "description_en", 5000),
        (Product.objects.filter(pk=world.product_a.pk), "description_vi", 5000),
        (Host.objects.filter(pk=world.host_a.pk), "name", 120),
        (Host.objects.filter(pk=world.host_a.pk), "about_en", 4000),
        (Service.objects.filter(pk=world.stay_a.pk), "title_en", 140),
        (Service.objects.filter(pk=world.stay_a.pk), "title_vi", 140),
        (Service.objects.filter(pk=world.stay_a.pk), "description_en", 5000),
        (Service.objects.filter(pk=world.experience_a.pk), "meeting_point", 200),
        (Service.objects.filter(pk=world.experience_a.pk), "title_en", 140),
        (Unit.objects.filter(service=world.stay_a), "name_en", 100),
        (review, "text", 2000),
        (review, "reply", 2000),
        (review, "author_name", 120),
        (ProductReview.objects.filter(product=world.product_a), "text", 2000),
        (Lot.objects.filter(product=world.product_a), "note", 2000),
        (Lot.objects.filter(product=world.product_a), "code", 40),
        (Checkout.objects.filter(pk=world.order_a.checkout_id), "buyer_name", 120),
        (Checkout.objects.filter(pk=world.order_a.checkout_id), "delivery_address", 300),
        (Order.objects.filter(pk=world.order_a.pk), "tracking_note", 200),
        (Booking.objects.filter(pk=world.booking_a.pk), "guest_name", 120),
        (Partner.objects.filter(pk=world.partner_a.pk), "organisation", 200),
        (Partner.objects.filter(pk=world.partner_a.pk), "intended_use", 2000),
        (Subscription.objects.filter(pk=world.subscription_a.pk), "name", 100),
        (Subscription.objects.filter(pk=world.subscription_a.pk), "keywords", 500),
        (User.objects.filter(pk=world.users["buyer"].pk), "first_name", 150),
        (User.objects.filter(pk=world.users["host_a"].pk), "first_name", 150),
    ]


@pytest.fixture
def reviewed(world):
    """A past stay reviewed (with a reply) and a delivered order reviewed: their texts are fields too."""
    booking = world.booking_a
    Review.objects.create(
        booking=booking,
        service=world.stay_a,
        author=world.users["buyer"],
        author_name="Hùng",
        rating=5,
        text="Tốt",
        reply="Cảm ơn",
        replied_at=timezone.now(),
    )
    ProductReview.objects.create(
        order=world.order_a, product=world.product_a, author=world.users["buyer"], rating=5, text="Ngon"
    )
    Lot.objects.create(
        product=world.product_a,
        code="LO-1",
        note="Vụ xuân",
        harvested_on=timezone.localdate() - timedelta(days=3),
    )
    return world


def views(world) -> dict[str, tuple[str | None, str]]:
    """Every view that shows one of the fields: name → (role logged in or None, URL)."""
    product, producer, stay, experience = world.product_a, world.producer_a, world.stay_a, world.experience_a
    product.refresh_from_db()
    producer.refresh_from_db()
    stay.refresh_from_db()
    experience.refresh_from_db()
    unit = stay.units.order_by("id").first()
    lot = Lot.objects.filter(product=product).first()
    commune_url = world.site["a"]["commune"].url
    found = {}
    for language in ("en", "vi"):
        with translation.override(language):
            found.update(
                {
                    f"{language} catalogue": (None, reverse("market:catalogue")),
                    f"{language} product page": (
                        None,
                        reverse("market:product", kwargs={"slug": product.slug}),
                    ),
                    f"{language} producer page": (
                        None,
                        reverse("market:producer", kwargs={"slug": producer.slug}),
                    ),
                    f"{language} stay search": (None, reverse("tourism:search")),
                    f"{language} stay page": (None, reverse("tourism:service", kwargs={"slug": stay.slug})),
                    f"{language} experience page": (
                        None,
                        reverse("tourism:service", kwargs={"slug": experience.slug}),
                    ),
                    f"{language} site search": (None, reverse("search") + "?q=" + quote("chè")),
                    f"{language} lot page": (
                        None,
                        reverse("market:lot", kwargs={"public_id": lot.public_id}),
                    ),
                    f"{language} lot label": (
                        None,
                        reverse("market:lot_label", kwargs={"public_id": lot.public_id}),
                    ),
                }
            )
    with translation.override("en"):
        found.update(
            {
                "commune page": (None, commune_url),
                "shop dashboard": (
                    "producer_a",
                    reverse("shop:dashboard", kwargs={"producer_id": producer.pk}),
                ),
                "shop profile": ("producer_a", reverse("shop:profile", kwargs={"producer_id": producer.pk})),
                "shop products": (
                    "producer_a",
                    reverse("shop:products", kwargs={"producer_id": producer.pk}),
                ),
                "shop product edit": (
                    "producer_a",
                    reverse(
                        "shop:product_edit", kwargs={"producer_id": producer.pk, "product_id": product.pk}
                    ),
                ),
                "shop orders": ("producer_a", reverse("shop:orders", kwargs={"producer_id": producer.pk})),
                "shop order": (
                    "producer_a",
                    reverse(
                        "shop:order_detail",
                        kwargs={"producer_id": producer.pk, "reference": world.order_a.reference},
                    ),
                ),
                "shop lots": ("producer_a", reverse("shop:lots", kwargs={"producer_id": producer.pk})),
                "host dashboard": ("host_a", reverse("host:dashboard", kwargs={"host_id": world.host_a.pk})),
                "host profile": ("host_a", reverse("host:profile", kwargs={"host_id": world.host_a.pk})),
                "host listing": (
                    "host_a",
                    reverse("host:service_edit", kwargs={"host_id": world.host_a.pk, "service_id": stay.pk}),
                ),
                "host room": (
                    "host_a",
                    reverse(
                        "host:unit_edit",
                        kwargs={"host_id": world.host_a.pk, "service_id": stay.pk, "unit_id": unit.pk},
                    ),
                ),
                "host bookings": ("host_a", reverse("host:bookings", kwargs={"host_id": world.host_a.pk})),
                "host booking": (
                    "host_a",
                    reverse(
                        "host:booking_detail",
                        kwargs={"host_id": world.host_a.pk, "reference": world.booking_a.reference},
                    ),
                ),
                "host reviews": ("host_a", reverse("host:reviews", kwargs={"host_id": world.host_a.pk})),
                "buyer orders": ("buyer", reverse("market:my_orders")),
                "guest bookings": ("buyer", reverse("guest:index")),
                "guest booking": (
                    None,
                    reverse("tourism:booking", kwargs={"access_token": world.booking_a.access_token}),
                ),
                "partner dashboard": ("partner_a", reverse("partners:dashboard")),
                "partner subscriptions": ("partner_a", reverse("partners:subscriptions")),
                "partner subscription": (
                    "partner_a",
                    reverse(
                        "partners:subscription_edit", kwargs={"subscription_id": world.subscription_a.pk}
                    ),
                ),
                "admin partner": ("superuser", f"/admin/partners/{world.partner_a.pk}/"),
                "admin partners": ("superuser", "/admin/partners/"),
            }
        )
    product_url = "http://testserver" + reverse("market:product", kwargs={"slug": product.slug})
    found.update(
        {
            "api products": ("key", "/api/v1/products/"),
            "api product": ("key", f"/api/v1/products/{product.pk}/"),
            "api producers": ("key", "/api/v1/producers/"),
            "api producer": ("key", f"/api/v1/producers/{producer.pk}/"),
            "api stays": ("key", "/api/v1/stays/"),
            "api stay": ("key", f"/api/v1/stays/{stay.pk}/"),
            "api stay reviews": ("key", f"/api/v1/stays/{stay.pk}/reviews/"),
            "api experience": ("key", f"/api/v1/experiences/{experience.pk}/"),
            "api reviews": ("key", "/api/v1/reviews/"),
            "api lots": ("key", "/api/v1/lots/"),
            "api subscriptions": ("key", "/api/v1/partner/subscriptions/"),
            "api partner": ("key", "/api/v1/partner/"),
            "api my orders": ("token", "/api/v1/orders/"),
            "api my bookings": ("token", "/api/v1/bookings/"),
            "feed products atom": (None, "/feeds/en/products.atom"),
            "feed products rss": (None, "/feeds/vi/products.rss"),
            "feed products json": (None, "/feeds/en/products.json"),
            "feed stays atom": (None, "/feeds/en/stays.atom"),
            "feed experiences rss": (None, "/feeds/en/experiences.rss"),
            "embed product": (None, f"/embed/product/{product.slug}/"),
            "embed stay": (None, f"/embed/stay/{stay.slug}/"),
            "embed experience": (None, f"/embed/experience/{experience.slug}/"),
            "oembed json": (None, "/oembed/?format=json&url=" + quote(product_url)),
            "oembed xml": (None, "/oembed/?format=xml&url=" + quote(product_url)),
        }
    )
    return found


class Markup(HTMLParser):
    """The elements a browser would build: event-handler attributes, ``javascript:`` URLs, scripts."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…> event handler")
            if name in ("href", "src", "action", "formaction", "data") and (
                value or ""
            ).strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}=javascript:…>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            self.found.append("<meta http-equiv=refresh> from a payload")
        if tag == "script":
            self.in_script = dict(attrs).get("type") != "application/ld+json"
            if dict(attrs).get("src", "").startswith("//evil"):
                self.found.append("<script src> from the payload")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and "alert(" in data:
            self.found.append("a payload runs inside <script>")


def problems(body: str, content_type: str, payloads: list[str]) -> list[str]:
    found = []
    if "json" in content_type:
        try:
            json.loads(body)
        except ValueError:
            found.append("invalid JSON")
        return found  # JSON strings carry the text as it was written; it is data, not markup
    if "xml" in content_type:  # a feed or an oEmbed answer: well-formed, text nodes only
        try:
            root = ElementTree.fromstring(body.encode())  # noqa: S314  (our own answer, no entities)
        except ElementTree.ParseError as error:
            return [f"invalid XML: {error}"]
        for element in root.iter():
            local = element.tag.rsplit("}", 1)[-1]
            if local in ("script", "img", "svg", "iframe") or any(
                name.startswith("on") for name in element.attrib
            ):
                found.append(f"<{local}> element from a payload")
        return found
    outside_jsonld = JSONLD.sub("", body)
    for payload in payloads:
        if "<" in payload and payload in outside_jsonld:
            found.append(f"verbatim {payload!r}")
    parser = Markup()
    parser.feed(outside_jsonld)
    found += parser.found
    for block in JSONLD.findall(body):
        if "<" in block:
            found.append("'<' inside a JSON-LD block")
        try:
            json.loads(block)
        except ValueError:
            found.append("JSON-LD block is not JSON")
    return found


def test_every_payload_in_every_field_is_escaped_in_every_view(
    reviewed, key_client, token_client, settings, figures
):
    world = reviewed
    settings.API_TIER_QUOTAS = {
        t: {"per_minute": 10**9, "per_day": 10**9} for t in ("free", "standard", "premium")
    }
    settings.API_USER_QUOTA = {"per_minute": 10**9, "per_day": 10**9}
    from django.test import Client

    targets = fields(world)
    pages = views(world)  # the URLs use the slugs made before the rotation (slugs do not follow names)
    clients = {
        None: Client(),
        "key": key_client(world.partner_a),
        "token": token_client(world.users["buyer"]),
    }
    for role in ("producer_a", "host_a", "buyer", "partner_a", "superuser"):
        clients[role] = Client()
        clients[role].force_login(world.users[role])
    failures, requests, shown = [], 0, set()
    for round_number in range(len(PAYLOADS)):
        written = []
        for index, (queryset, field, limit) in enumerate(targets):
            payload = PAYLOADS[(round_number + index) % len(PAYLOADS)][:limit]
            assert queryset.update(**{field: payload}) >= 1, field
            written.append(payload)
        get_search_backend().rebuild()  # written behind the services' back: the one search reads them too
        for view, (role, url) in pages.items():
            response = clients[role].get(url)
            requests += 1
            if response.status_code != 200:
                failures.append(f"round {round_number} {view} {url} → {response.status_code}")
                continue
            body = response.content.decode()
            for problem in problems(body, response["Content-Type"], written):
                failures.append(f"round {round_number} {view}: {problem}")
            if any(payload[:12] in body or payload[:12].replace("<", "&lt;") in body for payload in written):
                shown.add(view)
        # the site search also reads the payload back from the query string
        search = clients[None].get("/en/search/", {"q": PAYLOADS[round_number]})
        requests += 1
        failures += [
            f"search q: {problem}"
            for problem in problems(search.content.decode(), search["Content-Type"], [PAYLOADS[round_number]])
        ]
    figures(
        f"\nXSS corpus: {len(PAYLOADS)} payloads × {len(targets)} fields × {len(pages)} views "
        f"({len(shown)} showed the fields): {requests} requests, {len(failures)} unescaped"
    )
    print("\n".join(sorted(set(failures))[:60]))
    assert failures == []
    assert len(shown) >= len(pages) // 2  # the views really showed what was written


def test_emails_escape_what_buyers_and_guests_wrote(world, django_capture_on_commit_callbacks, figures):
    """The order and booking e-mails carry the buyer's and the guest's name as written: plain text keeps
    it as text, an HTML part (if any) escapes it."""
    from tests.security.conftest import book_room, place_order

    mail.outbox.clear()
    payload = '"><img src=x onerror=alert(1)><script>alert(1)</script>'
    with django_capture_on_commit_callbacks(execute=True):
        place_order(world.users["buyer_b"], world.product_a, name=payload[:120], address=payload)
    with django_capture_on_commit_callbacks(execute=True):
        book_room(
            world.stay_a.units.order_by("id").last(),
            world.users["buyer_b"],
            name=payload[:120],
            email="b@example.org",
            days=20,
        )
    html_parts = [
        content
        for message in mail.outbox
        for content, mimetype in getattr(message, "alternatives", [])
        if "html" in mimetype
    ]
    assert mail.outbox, "placing an order sends e-mail"
    for content in html_parts:
        assert payload not in content
        assert "<script>alert" not in content
    figures(f"\nXSS e-mails: {len(mail.outbox)} messages ({len(html_parts)} HTML parts): 0 unescaped")


def test_the_checks_catch_unescaped_output():
    """The detector itself: each of these would run in a browser, and each is reported."""
    bad = {
        "<p><script>alert(1)</script></p>": "text/html",
        '<img src=x onerror="alert(1)">': "text/html",
        '<a href="javascript:alert(1)">x</a>': "text/html",
        '<script type="application/ld+json">{"name": "</script><script>alert(1)</script>"}</script>': (
            "text/html"
        ),
        "<feed><entry><script>alert(1)</script></entry></feed>": "application/atom+xml",
        "<feed><title>unclosed</feed>": "application/rss+xml",
        '<input value="" onfocus="alert(1)" autofocus="">': "text/html",
    }
    for body, content_type in bad.items():
        assert problems(body, content_type, PAYLOADS), body
    good = (
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"
        '<script type="application/ld+json">{"a": "\\u003c/script\\u003e"}</script>'
    )
    assert problems(good, "text/html", PAYLOADS) == []


DOOR_PAYLOADS = [
    '"><img src=x onerror=alert(1)>',
    "</script><script>alert(1)</script>",
    "<svg onload=alert(1)>{{7*7}}{% csrf_token %}",
    "' onfocus='alert(1)' autofocus='",
]


def test_payloads_written_through_the_real_forms_are_escaped(reviewed, client, settings, figures):
    """The same payloads through the doors users use: the shop profile form, the host's reply to a
    review, the partner registration and a webhook subscription in the portal."""
    world = reviewed
    settings.API_WEBHOOK_ALLOW_PRIVATE = True
    users = world.users
    with translation.override("en"):
        profile_url = reverse("shop:profile", kwargs={"producer_id": world.producer_a.pk})
        register_url = reverse("partners:register")
        subscription_url = reverse("partners:subscription_new")
        reviews_url = reverse("host:reviews", kwargs={"host_id": world.host_a.pk})
    checked = 0
    for number, payload in enumerate(DOOR_PAYLOADS):
        written = []
        # the producer's story, through the profile page (the form is re-shown with every field it needs)
        client.force_login(users["producer_a"])
        form = client.get(profile_url).context["form"]
        data = {
            name: value
            for name, value in form.initial.items()
            if value is not None and not isinstance(value, (list, dict))
        }
        data.update(story_en=payload, story_vi=payload)
        response = client.post(profile_url, data)
        assert response.status_code == 302, (
            response.status_code,
            response.context and response.context["form"].errors,
        )
        assert Producer.objects.get(pk=world.producer_a.pk).story_en == payload
        written.append(payload)
        # the host's reply (once per review: a fresh review each round)
        review = Review.objects.create(
            booking=book_room_for_review(world, number),
            service=world.stay_a,
            author=users["buyer"],
            author_name="Khách",
            rating=4,
            text="Ổn",
        )
        with translation.override("en"):
            reply_url = reverse(
                "host:review_reply", kwargs={"host_id": world.host_a.pk, "review_id": review.pk}
            )
        client.force_login(users["host_a"])
        response = client.post(reply_url, {f"reply-{review.pk}-reply": payload})
        assert response.status_code == 302, response.status_code
        assert Review.objects.get(pk=review.pk).reply == payload
        # a partner registration and a subscription through the portal
        applicant = User.objects.create_user(email=f"applicant{number}@example.org", password="x-Y-z-123456")
        client.force_login(applicant)
        response = client.post(
            register_url,
            {
                "organisation": payload,
                "website": "https://example.org",
                "contact_name": payload,
                "contact_email": f"applicant{number}@example.org",
                "intended_use": payload * 3,
            },
        )
        assert response.status_code in (302, 200), response.status_code
        assert Partner.objects.filter(owner=applicant, organisation=payload).exists()
        client.force_login(users["partner_a"])
        response = client.post(
            subscription_url,
            {
                "name": payload[:100],
                "endpoint_url": "http://127.0.0.1:9/hook",
                "keywords": payload,
                "languages": ["en"],
            },
        )
        assert response.status_code == 200  # the page that shows the new signing secret once
        assert Subscription.objects.filter(partner=world.partner_a, keywords=payload).exists()
        assert problems(response.content.decode(), response["Content-Type"], [payload]) == []
        pages = [
            ("producer_a", profile_url),
            (None, f"/en/market/producers/{world.producer_a.slug}/"),
            ("host_a", reviews_url),
            (None, f"/en/stays/{world.stay_a.slug}/"),
            ("partner_a", "/en/partners/dashboard/subscriptions/"),
            ("applicant", "/en/partners/dashboard/"),
            ("superuser", "/admin/partners/"),
        ]
        for role, url in pages:
            viewer = applicant if role == "applicant" else users.get(role)
            if viewer is None:
                client.logout()
            else:
                client.force_login(viewer)
            response = client.get(url)
            assert response.status_code == 200, (url, response.status_code)
            assert problems(response.content.decode(), response["Content-Type"], written) == [], url
            checked += 1
    figures(
        f"\nXSS through the forms: {len(DOOR_PAYLOADS)} payloads × 4 forms × {len(pages)} views: "
        f"{checked} pages, 0 unescaped"
    )


def book_room_for_review(world, number: int):
    from tests.security.conftest import book_room

    return book_room(
        world.stay_a.units.order_by("id").last(),
        world.users["buyer"],
        name="Khách",
        email="k@example.org",
        days=30 + 3 * number,
    )
