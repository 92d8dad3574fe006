"""The audit trail: every order, booking, payment, refund and permission change appends events, and the
database itself refuses to change or delete one (SQLite and PostgreSQL triggers)."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import DatabaseError, connection, transaction
from django.http import HttpResponse
from django.test import Client, RequestFactory
from wagtail.models import GroupPagePermission

from accounts import services as account_services
from accounts.middleware import AuditActorMiddleware
from accounts.models import CommuneMembership, Role
from core.audit import event_purge_allowed
from core.events import record_event
from core.models import AppendOnlyError, Event
from market import services as market_services
from market.models import Order
from market.services import payments as order_payments
from payments.models import Payment
from tests import factories
from tests.market.conftest import make_producer, make_product
from tests.tourism.conftest import book, days_from_today, make_host, make_stay
from tourism.models import BookingPayment, CancelledBy
from tourism.services import bookings as booking_services


def names_since(first_id: int) -> list[str]:
    return list(Event.objects.filter(id__gt=first_id).order_by("id").values_list("name", flat=True))


def last_id() -> int:
    return Event.objects.order_by("-id").values_list("id", flat=True).first() or 0


def subject_names(subject) -> list[str]:
    return list(Event.objects.for_subject(subject).order_by("id").values_list("name", flat=True))


# --- the database refuses changes -------------------------------------------------------------------------


@pytest.fixture
def event(db):
    return record_event("core.test.happened", payload={"n": 1})


def _raw(sql: str, params=()) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE core_event SET name = 'core.test.forged' WHERE id = %s",
        "UPDATE core_event SET payload = '{\"n\": 2}' WHERE id = %s",
        "UPDATE core_event SET occurred_at = occurred_at WHERE id = %s AND 1 = 0",  # no row: allowed
        "DELETE FROM core_event WHERE id = %s",
    ],
)
def test_the_database_refuses_to_change_or_delete_an_event(event, sql):
    if "1 = 0" in sql:
        _raw(sql, [event.pk])  # touches nothing, refused nothing
    else:
        with pytest.raises(DatabaseError, match="append-only"):
            _raw(sql, [event.pk])
    stored = Event.objects.get(pk=event.pk)
    assert (stored.name, stored.payload) == ("core.test.happened", {"n": 1})


@pytest.mark.django_db
def test_the_orm_refuses_too(event):
    with pytest.raises(AppendOnlyError):
        event.delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).delete()
    with pytest.raises(AppendOnlyError):
        Event.objects.filter(pk=event.pk).update(name="core.test.forged")
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert Event.objects.get(pk=event.pk).name == "core.test.happened"


@pytest.mark.django_db
def test_deleting_a_user_only_clears_the_actor_of_their_events(db):
    user = factories.make_user("leaving@example.org")
    event = record_event("core.test.happened", actor=user, on_behalf_of=user, payload={"n": 1})

    user.delete()

    stored = Event.objects.get(pk=event.pk)
    assert (stored.actor_id, stored.on_behalf_of_id, stored.name, stored.payload) == (
        None,
        None,
        "core.test.happened",
        {"n": 1},
    )


@pytest.mark.django_db
def test_only_the_explicit_purge_path_may_delete_events(event):
    with event_purge_allowed():
        _raw("DELETE FROM core_event WHERE id = %s", [event.pk])
    assert not Event.objects.filter(pk=event.pk).exists()
    # and the allowance ends with the block
    other = record_event("core.test.happened")
    with pytest.raises(DatabaseError, match="append-only"):
        _raw("DELETE FROM core_event WHERE id = %s", [other.pk])


@pytest.mark.django_db
def test_postgresql_has_the_trigger(postgres):
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgrelid = 'core_event'::regclass AND NOT tgisinternal"
        )
        assert [row[0] for row in cursor.fetchall()] == ["core_event_append_only"]


# --- orders, payments, refunds ----------------------------------------------------------------------------


@pytest.fixture
def shop(site_tree):
    owner = factories.make_member("mai@example.org", site_tree["a"]["commune"], Role.PRODUCER)
    producer = make_producer(owner, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van")
    return make_product(producer, "Chè Shan Tuyết", price=350_000, stock=20)


def _order(product, buyer, payment_method="cod") -> Order:
    cart = market_services.cart_for(user=buyer)
    market_services.add_to_cart(cart=cart, product=product, quantity=2)
    checkout = market_services.place_order(
        cart=cart,
        buyer=market_services.Buyer(
            name="Trần Văn Hùng", phone="0912345678", address="12 Hàng Bạc", province="Hà Nội", user=buyer
        ),
        payment_method=payment_method,
        delivery_methods={product.producer_id: "delivery"},
    )
    return checkout.orders.get()


@pytest.mark.django_db
def test_an_order_appends_one_event_per_state_change(shop):
    buyer = factories.make_user("buyer@example.org")
    owner = shop.producer.owner
    start = last_id()

    order = _order(shop, buyer)
    order_payments.start_checkout_payment(checkout=order.checkout, success_url="/ok/", cancel_url="/no/")
    market_services.accept_cash_order(order=order, actor=owner)
    market_services.ship_order(order=order, actor=owner, tracking_note="VNPost 123")
    market_services.mark_delivered(order=order, actor=owner)
    payment = Payment.objects.get()

    assert subject_names(order) == [
        "market.order.placed",
        "market.order.confirmed",
        "market.order.shipped",
        "market.order.delivered",
    ]
    assert subject_names(payment) == ["payments.payment.started", "payments.payment.succeeded"]
    assert names_since(start) == [
        "market.order.placed",
        "payments.payment.started",
        "market.order.confirmed",
        "market.order.shipped",
        "market.order.delivered",
        "payments.payment.succeeded",
    ]


@pytest.mark.django_db
def test_a_cancelled_order_appends_its_cancellation(shop):
    buyer = factories.make_user("buyer@example.org")
    order = _order(shop, buyer)

    market_services.cancel_order(order=order, actor=buyer, reason="Đổi ý", as_buyer=True)

    assert subject_names(order) == ["market.order.placed", "market.order.cancelled"]
    cancelled = Event.objects.for_subject(order).named("market.order.cancelled").get()
    assert cancelled.actor == buyer


# --- bookings and refunds ---------------------------------------------------------------------------------


@pytest.fixture
def room(site_tree):
    owner = factories.make_member("pao@example.org", site_tree["a"]["commune"], Role.HOST)
    host = make_host(owner, site_tree["a"]["commune"], "Homestay Sùng A Páo")
    return make_stay(host, "Homestay Sùng A Páo").units.get()


@pytest.mark.django_db
def test_a_booking_appends_one_event_per_state_change(room):
    booking = book(room, check_in=days_from_today(20), payment_method=BookingPayment.ON_ARRIVAL)

    booking_services.cancel_booking(
        booking=booking, cancelled_by=CancelledBy.HOST, actor=room.service.host.owner, reason="Lũ"
    )

    assert subject_names(booking) == ["tourism.booking.confirmed", "tourism.booking.cancelled"]


# --- permission changes -----------------------------------------------------------------------------------


@pytest.mark.django_db
def test_membership_grants_changes_and_removals_are_recorded(site_tree):
    admin = factories.make_user("admin@example.org", superuser=True)
    villager = factories.make_user("villager@example.org")
    commune = site_tree["a"]["commune"]
    start = last_id()

    membership = account_services.add_membership(
        user=villager, commune=commune, role=Role.PRODUCER, actor=admin
    )
    account_services.change_membership_role(membership=membership, role=Role.HOST, actor=admin)
    account_services.remove_membership(membership=membership, actor=admin)

    events = list(Event.objects.filter(id__gt=start).order_by("id"))
    assert [(e.name, e.actor_id, e.commune_id, e.payload) for e in events] == [
        ("accounts.membership.added", admin.pk, commune.pk, {"user": villager.pk, "role": "producer"}),
        (
            "accounts.membership.changed",
            admin.pk,
            commune.pk,
            {"user": villager.pk, "role": "host", "previous_role": "producer"},
        ),
        ("accounts.membership.removed", admin.pk, commune.pk, {"user": villager.pk, "role": "host"}),
    ]


@pytest.mark.django_db
def test_the_django_admin_membership_screens_go_through_the_services(site_tree):
    admin = factories.make_user("admin@example.org", superuser=True)
    villager = factories.make_user("villager@example.org")
    commune = site_tree["a"]["commune"]
    browser = Client()
    browser.force_login(admin)
    start = last_id()

    added = browser.post(
        "/django-admin/accounts/communemembership/add/",
        {"user": villager.pk, "commune": commune.pk, "role": Role.DIGITAL_TEAM, "created_at_0": "2026-12-01",
         "created_at_1": "10:00:00"},
    )  # fmt: skip
    membership = CommuneMembership.objects.get(user=villager)
    deleted = browser.post(
        f"/django-admin/accounts/communemembership/{membership.pk}/delete/", {"post": "yes"}
    )

    assert (added.status_code, deleted.status_code) == (302, 302)
    assert not CommuneMembership.objects.filter(user=villager).exists()
    events = list(Event.objects.filter(id__gt=start).order_by("id"))
    assert [(e.name, e.actor_id) for e in events] == [
        ("accounts.membership.added", admin.pk),
        ("accounts.membership.removed", admin.pk),
    ]


@pytest.mark.django_db
def test_staff_superuser_and_active_flags_are_recorded_through_the_service_and_any_save(db):
    admin = factories.make_user("admin@example.org", superuser=True)
    user = factories.make_user("clerk@example.org")
    start = last_id()

    account_services.set_platform_flags(user=user, actor=admin, is_staff=True, is_superuser=True)
    user.refresh_from_db()
    user.is_active = False
    user.save()  # an edit that bypasses the service (Wagtail's user editor): still recorded
    user.last_login = user.date_joined
    user.save(update_fields=["last_login"])  # a login: nothing to record

    events = list(Event.objects.filter(id__gt=start).order_by("id"))
    assert [(e.name, e.actor_id, e.subject_id) for e in events] == [
        ("accounts.permission.staff_granted", admin.pk, str(user.pk)),
        ("accounts.permission.superuser_granted", admin.pk, str(user.pk)),
        ("accounts.permission.account_deactivated", None, str(user.pk)),
    ]


@pytest.mark.django_db
def test_group_and_permission_changes_are_recorded_from_either_side(site_tree):
    admin = factories.make_user("admin@example.org", superuser=True)
    user = factories.make_user("editor@example.org")
    group = Group.objects.create(name="Biên tập viên xã")
    permission = Permission.objects.get(codename="access_admin")
    start = last_id()

    account_services.add_to_group(user=user, group=group, actor=admin)
    group.permissions.add(permission)
    page_permission = GroupPagePermission.objects.create(
        group=group,
        page=site_tree["a"]["commune"],
        permission=Permission.objects.get(codename="publish_page"),
    )
    page_permission.delete()
    group.user_set.remove(user)  # from the group's side, as Wagtail's group editor does
    user.groups.add(group)
    user.groups.clear()

    events = list(Event.objects.filter(id__gt=start).order_by("id"))
    assert [(e.name, e.actor_id) for e in events] == [
        ("accounts.permission.group_added", admin.pk),
        ("accounts.permission.group_permissions_granted", None),
        ("accounts.permission.page_permission_granted", None),
        ("accounts.permission.page_permission_revoked", None),
        ("accounts.permission.group_removed", None),
        ("accounts.permission.group_added", None),
        ("accounts.permission.group_removed", None),
    ]
    assert events[0].payload == {"user": user.pk, "group": group.pk, "group_name": "Biên tập viên xã"}
    assert events[1].payload == {"group": group.pk, "permissions": ["wagtailadmin.access_admin"]}
    assert events[2].payload["permission"] == "wagtailcore.publish_page"
    assert all(e.payload.get("user", user.pk) == user.pk for e in events)


@pytest.mark.django_db
def test_a_change_made_during_a_request_is_attributed_to_the_logged_in_user(db):
    admin = factories.make_user("admin@example.org", superuser=True)
    user = factories.make_user("villager@example.org")
    group = Group.objects.create(name="Nhóm thử kiểm toán")
    request = RequestFactory().post("/admin/users/")
    request.user = admin
    start = last_id()

    def admin_screen(request):  # a screen that saves the user directly, as Wagtail's user editor does
        user.groups.add(group)
        user.is_staff = True
        user.save()
        return HttpResponse("saved")

    AuditActorMiddleware(admin_screen)(request)
    user.groups.remove(group)  # after the request: nobody is bound any more

    events = list(Event.objects.filter(id__gt=start).order_by("id"))
    assert [(e.name, e.actor_id) for e in events] == [
        ("accounts.permission.group_added", admin.pk),
        ("accounts.permission.staff_granted", admin.pk),
        ("accounts.permission.group_removed", None),
    ]
