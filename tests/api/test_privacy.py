"""No personal data leaves through the API: every serializer is checked by field name, and real answers of
every resource are searched for the private details of the people behind the fixtures."""

import importlib
import inspect
import pkgutil

import pytest
from rest_framework import serializers

import api.serializers
from api.urls import router
from market.models import Producer
from tests import factories
from tests.api.test_market_resources import lot_of, reviewed
from tests.market.conftest import make_producer, make_product
from village.models import CommunePage

#: words that name personal data wherever they appear in a field name (``owner_id``, ``buyer_phone``…)
PERSONAL_WORDS = {"phone", "email", "address", "owner", "author", "reviewer", "password", "birth"}
#: prefixes of fields about a person or an account (``contact_name``, ``bank_account_number``…)
PERSONAL_PREFIXES = ("contact_", "bank_", "buyer_", "guest_", "account_", "digital_team_leader")
PERSONAL_NAMES = {
    "first_name", "last_name", "full_name", "digital_team_phone", "national_id", "id_number", "ip",
}  # fmt: skip

#: fields that look personal but are not, each with the reason; keyed by ``module.Serializer``
ALLOWED = {
    # the contacts of the commune *office* (a public body that publishes them), not of a person
    "api.serializers.content.CommuneSerializer": {"office_phone", "office_email", "office_address"},
    # what a signed-in buyer sends to place an order: their own details, read by no partner
    "api.serializers.orders.PlaceOrderSerializer": {
        "buyer_name",
        "buyer_phone",
        "buyer_email",
        "delivery_address",
    },
    # the buyer's own details in their own order, answered only to the buyer's token
    "api.serializers.orders.BuyerSerializer": {"phone", "email", "address"},
    # what a signed-in guest sends to book, and their own details in their own booking (guest's token only)
    "api.serializers.bookings.BookRequestSerializer": {
        "guest_name",
        "guest_email",
        "guest_phone",
        "guest_country",
    },
    "api.serializers.bookings.GuestSerializer": {"email", "phone"},
}

PRIVATE_PHONE = "0987 654 321"
PRIVATE_EMAIL = "sung.thi.mai@private.example"
PRIVATE_STRINGS = [
    PRIVATE_PHONE,
    PRIVATE_EMAIL,
    "0911222333",  # the producer's phone for the platform
    "0011001234567",  # the producer's bank account
    "SUNG THI MAI",  # the account holder
    "buyer@example.org",  # the reviewer's account
    "0912345678",  # the reviewer's phone
    "Trần Văn",  # the reviewer's family name
    "Giàng A Lử",  # the commune's digital team leader
    "0977 111 222",  # the digital team leader's phone
]


def serializer_classes() -> list[type]:
    """Every serializer class defined in a module of ``api.serializers``."""
    found = []
    for module_info in pkgutil.iter_modules(api.serializers.__path__):
        module = importlib.import_module(f"api.serializers.{module_info.name}")
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, serializers.BaseSerializer) and value.__module__ == module.__name__:
                found.append(value)
    return found


def is_personal(name: str) -> bool:
    words = set(name.lower().split("_"))
    return bool(words & PERSONAL_WORDS) or name.startswith(PERSONAL_PREFIXES) or name in PERSONAL_NAMES


def declared_names(serializer_class) -> set[str]:
    names = set(serializer_class._declared_fields)
    meta_fields = getattr(getattr(serializer_class, "Meta", None), "fields", ())
    if meta_fields == serializers.ALL_FIELDS:
        names.add("__all__")
    else:
        names.update(meta_fields)
    return names


def allowed_for(serializer_class) -> set[str]:
    allowed = set()
    for klass in serializer_class.__mro__:
        allowed |= ALLOWED.get(f"{klass.__module__}.{klass.__qualname__}", set())
    return allowed


def personal_fields(serializer_class) -> set[str]:
    names = declared_names(serializer_class)
    flagged = {name for name in names if is_personal(name) or name == "__all__"}
    return flagged - allowed_for(serializer_class)


def test_the_name_check_flags_personal_fields_and_allows_only_the_listed_office_contacts():
    class Leaky(serializers.Serializer):
        name = serializers.CharField()
        buyer_phone = serializers.CharField()
        owner_id = serializers.IntegerField()
        contact_name = serializers.CharField()
        digital_team_leader = serializers.CharField()
        office_phone = serializers.CharField()

    class Everything(serializers.ModelSerializer):
        class Meta:
            model = Producer
            fields = "__all__"

    from api.serializers.content import CommuneSerializer

    assert personal_fields(Leaky) == {
        "buyer_phone",
        "owner_id",
        "contact_name",
        "digital_team_leader",
        "office_phone",
    }
    assert personal_fields(Everything) == {"__all__"}
    assert personal_fields(CommuneSerializer) == set()
    assert "office_phone" in declared_names(CommuneSerializer)


def test_no_serializer_of_the_api_declares_a_personal_field():
    classes = serializer_classes()
    names = {f"{klass.__module__}.{klass.__qualname__}" for klass in classes}

    leaks = {
        f"{klass.__module__}.{klass.__qualname__}": sorted(personal_fields(klass))
        for klass in classes
        if personal_fields(klass)
    }

    assert {
        "api.serializers.content.CommuneSerializer",
        "api.serializers.content.GuideDetailSerializer",
        "api.serializers.market.ProducerSerializer",
        "api.serializers.market.ReviewSerializer",
    } <= names
    assert leaks == {}


def test_the_allow_list_names_serializers_that_exist():
    names = {f"{klass.__module__}.{klass.__qualname__}" for klass in serializer_classes()}

    assert set(ALLOWED) <= names


@pytest.fixture
def private_people(site_tree, buyer):
    """A producer whose owner, phone and bank are private, a reviewed product, a lot, a team leader."""
    owner = factories.make_user(PRIVATE_EMAIL, phone=PRIVATE_PHONE, first_name="Mai", last_name="Sùng Thị")
    producer = make_producer(
        owner, site_tree["a"]["commune"], "Hợp tác xã chè Tả Van", contact_phone="0911222333"
    )
    tea = make_product(producer, "Chè Shan Tuyết")
    reviewed(buyer, tea, rating=5, text="Ngon")
    lot_of(tea, "L-1", note="Hái tay")
    CommunePage.objects.filter(translation_key=site_tree["a"]["commune"].translation_key).update(
        digital_team_leader="Giàng A Lử", digital_team_phone="0977 111 222", digital_team_members=5
    )
    return {"producer": producer, "product": tea}


def list_paths() -> list[str]:
    """``/api/v1/<prefix>/`` of every resource registered on the router (nested routes left out)."""
    return [f"/api/v1/{prefix}/" for prefix, _viewset, _basename in router.registry if "(" not in prefix]


@pytest.mark.parametrize("language", ["vi", "en"])
def test_no_answer_of_any_resource_carries_the_private_details_of_the_fixture_people(
    api_client, private_people, language
):
    answered = {}
    for path in list_paths():
        response = api_client.get(path, {"lang": language})
        answered[path] = response.status_code
        bodies = [response.content.decode()]
        if response.status_code == 200 and response.json().get("results"):
            first = response.json()["results"][0]
            key = first.get("id", first.get("public_id"))
            if key is not None:
                bodies.append(api_client.get(f"{path}{key}/", {"lang": language}).content.decode())
        for body in bodies:
            leaked = [secret for secret in PRIVATE_STRINGS if secret in body]
            assert leaked == [], f"{path} answers {leaked}"

    checked = {path for path, status in answered.items() if status == 200}
    for resource in ("communes", "guides", "producers", "products", "lots", "reviews"):
        assert f"/api/v1/{resource}/" in checked
