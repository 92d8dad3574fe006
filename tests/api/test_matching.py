"""Which subscriptions an item reaches: each filter alone, keywords without diacritics, and the SQL
prefilter (a superset of the exact matches on SQLite and PostgreSQL alike)."""

from types import SimpleNamespace

import pytest

from api.matching import MatchableItem, keyword_alternatives, prefilter, subscription_matches
from api.models import Subscription

TEA = MatchableItem.build(
    kind="product",
    commune_id=12,
    province_id=3,
    categories=["tea"],
    languages=["vi"],
    ocop_stars=4,
    texts=["Chè Shan Tuyết cổ thụ", "Trà búp khô, hái tay", "tea"],
)
GUIDE_EN = MatchableItem.build(
    kind="guide",
    commune_id=112,
    province_id=3,
    categories=["payments"],
    languages=["en"],
    texts=["Pay by QR"],
)


def subscription(**filters) -> SimpleNamespace:
    values = {
        "communes": [], "provinces": [], "content_types": [], "categories": [], "languages": [],
        "minimum_ocop_stars": None, "keywords": "",
    }  # fmt: skip
    values.update(filters)
    return SimpleNamespace(**values)


def test_an_empty_subscription_hears_about_everything():
    assert subscription_matches(subscription(), TEA) and subscription_matches(subscription(), GUIDE_EN)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"content_types": ["product"]}, True),
        ({"content_types": ["guide", "stay"]}, False),
        ({"languages": ["vi", "en"]}, True),
        ({"languages": ["en"]}, False),
        ({"categories": ["honey", "tea"]}, True),
        ({"categories": ["honey"]}, False),
        ({"minimum_ocop_stars": 4}, True),
        ({"minimum_ocop_stars": 5}, False),
    ],
)
def test_each_filter_narrows_on_its_own(filters, expected):
    assert subscription_matches(subscription(**filters), TEA) is expected


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"communes": [12]}, True),
        ({"communes": [1, 112]}, False),
        ({"provinces": [3]}, True),
        ({"provinces": [4]}, False),
        ({"communes": [99], "provinces": [3]}, True),  # commune or province: one area
        ({"communes": [99], "provinces": [4]}, False),
    ],
)
def test_communes_and_provinces_describe_one_area_together(filters, expected):
    assert subscription_matches(subscription(**filters), TEA) is expected


def test_items_without_stars_or_a_commune_do_not_pass_those_filters():
    placeless = MatchableItem.build(kind="news", languages=["vi"], texts=["Tin"])

    assert not subscription_matches(subscription(minimum_ocop_stars=1), GUIDE_EN)
    assert not subscription_matches(subscription(provinces=[3]), placeless)


@pytest.mark.parametrize(
    ("keywords", "expected"),
    [
        ("tra", True),  # “Trà” without its accent
        ("TRÀ BÚP", True),
        ("che shan", True),
        ("shan, mật ong", True),  # alternatives
        ("mat ong", False),
        ("tr", False),  # whole words only
        ("che mat", False),  # every word of an alternative
        (" , ;", True),  # nothing to look for
    ],
)
def test_keywords_match_folded_whole_words(keywords, expected):
    assert subscription_matches(subscription(keywords=keywords), TEA) is expected


def test_keyword_alternatives_are_folded_once():
    assert keyword_alternatives("Trà Shan, mật-ong; ĐẶC SẢN") == (
        frozenset({"tra", "shan"}),
        frozenset({"mat", "ong"}),
        frozenset({"dac", "san"}),
    )


@pytest.mark.django_db
def test_the_sql_prefilter_keeps_every_match_and_drops_clear_misses(partner):
    def make(name, **filters):
        return Subscription.objects.create(
            partner=partner, name=name, endpoint_url="https://hooks.example/", secret="whsec_x", **filters
        )

    made = [
        make("all"),
        make("commune", communes=[12]),
        make("commune-112", communes=[112]),  # the text search cannot tell 12 from 112…
        make("province", communes=[99], provinces=[3]),
        make("products", content_types=["product", "stay"]),
        make("guides", content_types=["guide"]),
        make("tea", categories=["tea"]),
        make("honey", categories=["honey"]),
        make("vi", languages=["vi"]),
        make("en", languages=["en"]),
        make("four-stars", minimum_ocop_stars=4),
        make("five-stars", minimum_ocop_stars=5),
        make("keywords", keywords="mat ong"),  # …and keywords are left to Python
    ]
    exact = {item.name for item in made if subscription_matches(item, TEA)}

    kept = set(prefilter(Subscription.objects.all(), TEA).values_list("name", flat=True))

    assert exact == {"all", "commune", "province", "products", "tea", "vi", "four-stars"}
    assert kept == exact | {"commune-112", "keywords"}
