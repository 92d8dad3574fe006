"""Marketplace moderation in the Wagtail admin: each commune moderator decides on their own commune's
pending producers and listings only. Refused requests also check that nothing changed.
"""

import pytest
from django.urls import reverse

from accounts.models import Role
from core.models import Event
from market import services
from market.models import Producer, Product, ReviewStatus
from tests import factories

from .conftest import make_producer

INDEX = "/admin/marketplace-moderation/"


def product_url(product) -> str:
    return reverse("market_moderation:product", args=[product.pk])


def producer_url(producer) -> str:
    return reverse("market_moderation:producer", args=[producer.pk])


def row(instance) -> dict:
    return type(instance).objects.filter(pk=instance.pk).values().get()


@pytest.fixture
def honey_a(producer_a):
    """A listing of commune A waiting for approval."""
    return services.create_product(
        producer=producer_a,
        actor=producer_a.owner,
        name_vi="Mật ong bạc hà",
        category="honey",
        unit="jar",
        price=250_000,
        stock=10,
    )


@pytest.fixture
def new_shop_a(site_tree):
    """A producer of commune A waiting for approval."""
    owner = factories.make_member("sua@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    return services.create_producer(
        owner=owner, commune=site_tree["a"]["commune"], actor=owner, name="Hộ Vàng Thị Súa"
    )


@pytest.fixture
def pending_b(producer_b):
    """A listing and a producer of commune B waiting for approval."""
    product = services.create_product(
        producer=producer_b,
        actor=producer_b.owner,
        name_vi="Rượu ngô Bản Phố",
        category="drinks",
        unit="bottle",
        price=120_000,
        stock=30,
    )
    owner = factories.make_member("sen@example.org", producer_b.commune, Role.PRODUCER)
    producer = services.create_producer(
        owner=owner, commune=producer_b.commune, actor=owner, name="Hộ Lù Thị Sen"
    )
    return product, producer


def test_the_moderator_of_a_sees_only_a_s_pending_items(
    client, moderator_a, honey_a, new_shop_a, tea, pending_b
):
    client.force_login(moderator_a)
    # the menu item is there for a moderator
    assert INDEX in client.get("/admin/").content.decode()
    # the list holds A's pending product and producer, not A's approved tea nor anything of B
    response = client.get(INDEX)
    assert response.status_code == 200
    html = response.content.decode()
    assert product_url(honey_a) in html and producer_url(new_shop_a) in html
    assert product_url(tea) not in html
    product_b, producer_b = pending_b
    assert product_url(product_b) not in html and producer_url(producer_b) not in html
    assert product_b.name_vi not in html and producer_b.name not in html
    # and the detail shows the listing with both decisions as plain POST forms
    detail = client.get(product_url(honey_a)).content.decode()
    assert "Mật ong bạc hà" in detail
    assert detail.count('<form method="post"') == 2
    assert 'name="reason"' in detail


def test_the_moderator_approves_a_listing_and_the_event_is_recorded(client, moderator_a, honey_a):
    client.force_login(moderator_a)
    response = client.post(product_url(honey_a), {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"] == INDEX
    honey = Product.objects.get(pk=honey_a.pk)
    assert (honey.review_status, honey.reviewed_by_id, honey.rejection_reason) == (
        ReviewStatus.APPROVED,
        moderator_a.pk,
        "",
    )
    event = Event.objects.for_subject(honey).get(name="market.product.approved")
    assert (event.actor_id, event.commune_id) == (moderator_a.pk, honey.commune_id)
    # and it leaves the list
    assert product_url(honey_a) not in client.get(INDEX).content.decode()


def test_the_moderator_approves_a_producer(client, moderator_a, new_shop_a):
    client.force_login(moderator_a)
    response = client.post(producer_url(new_shop_a), {"decision": "approve"})
    assert response.status_code == 302
    assert Producer.objects.get(pk=new_shop_a.pk).review_status == ReviewStatus.APPROVED
    assert (
        Event.objects.for_subject(new_shop_a)
        .filter(name="market.producer.approved", actor=moderator_a)
        .exists()
    )


def test_the_moderator_rejects_with_a_reason_the_producer_then_reads(client, moderator_a, honey_a):
    client.force_login(moderator_a)
    response = client.post(
        product_url(honey_a), {"decision": "reject", "reason": "Ảnh bị mờ, chụp lại giúp."}
    )
    assert response.status_code == 302
    honey = Product.objects.get(pk=honey_a.pk)
    assert (honey.review_status, honey.rejection_reason) == (
        ReviewStatus.REJECTED,
        "Ảnh bị mờ, chụp lại giúp.",
    )
    event = Event.objects.for_subject(honey).get(name="market.product.rejected")
    assert (event.actor_id, event.payload["reason"]) == (moderator_a.pk, "Ảnh bị mờ, chụp lại giúp.")


def test_a_rejection_without_reason_is_refused_and_nothing_changes(client, moderator_a, honey_a, new_shop_a):
    client.force_login(moderator_a)
    for item, target in ((honey_a, product_url(honey_a)), (new_shop_a, producer_url(new_shop_a))):
        before, events_before = row(item), Event.objects.count()
        response = client.post(target, {"decision": "reject", "reason": "   "})
        assert response.status_code == 400
        html = response.content.decode()
        assert "Hãy nêu lý do để người sản xuất sửa lại." in html
        assert 'aria-invalid="true"' in html
        assert (row(item), Event.objects.count()) == (before, events_before)


def test_the_moderator_of_b_cannot_open_or_decide_on_a_s_items(client, moderator_b, honey_a, new_shop_a):
    client.force_login(moderator_b)
    for item, target in ((honey_a, product_url(honey_a)), (new_shop_a, producer_url(new_shop_a))):
        before, events_before = row(item), Event.objects.count()
        # (Django's LocaleMiddleware turns any 404 into a redirect to /vi/…, which is not found either)
        assert client.get(target, follow=True).status_code == 404
        assert client.post(target, {"decision": "approve"}, follow=True).status_code == 404
        assert client.post(target, {"decision": "reject", "reason": "Không"}, follow=True).status_code == 404
        assert (row(item), Event.objects.count()) == (before, events_before)
    assert product_url(honey_a) not in client.get(INDEX).content.decode()


def test_an_editor_without_the_moderator_role_does_not_see_the_menu_and_is_refused(client, editor_a, honey_a):
    client.force_login(editor_a)
    before, events_before = row(honey_a), Event.objects.count()
    # no menu item
    assert INDEX not in client.get("/admin/").content.decode()
    # the pages send the editor back to the dashboard ("no permission"), and the decision is refused
    for response in (
        client.get(INDEX),
        client.get(product_url(honey_a)),
        client.post(product_url(honey_a), {"decision": "approve"}),
    ):
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
    assert (row(honey_a), Event.objects.count()) == (before, events_before)


def test_a_producer_without_admin_access_is_sent_to_log_in(client, owner_a, honey_a):
    client.force_login(owner_a)
    before = row(honey_a)
    response = client.post(product_url(honey_a), {"decision": "approve"})
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))
    assert row(honey_a) == before


def test_a_superuser_sees_every_commune(client, superuser, honey_a, pending_b):
    client.force_login(superuser)
    html = client.get(INDEX).content.decode()
    assert product_url(honey_a) in html and product_url(pending_b[0]) in html


def test_a_second_producer_of_the_same_commune_is_listed_too(client, moderator_a, site_tree, new_shop_a):
    owner = factories.make_member("chu@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    approved = make_producer(owner, site_tree["a"]["commune"], "Hộ Thào A Chu")
    client.force_login(moderator_a)
    html = client.get(INDEX).content.decode()
    assert producer_url(new_shop_a) in html and producer_url(approved) not in html
