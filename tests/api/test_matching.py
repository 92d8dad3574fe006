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


WORDS = ["tra", "shan", "tuyet", "mat", "ong", "che", "ban", "gao", "nep", "qr", "pay"]
KEYWORD_CHOICES = ["", "", "", "trà shan", "mật ong, chè", "Tuyết", "gạo nếp, pay by", ",,", "tra tra"]


def random_item(rng, number: int) -> MatchableItem:
    return MatchableItem.build(
        kind=rng.choice(["product", "guide", "stay", "event"]),
        commune_id=rng.choice([None, 12, 112, 7]),
        province_id=rng.choice([None, 3, 4]),
        categories=rng.sample(["tea", "honey", "payments", "festival"], rng.randint(0, 2)),
        languages=rng.sample(["vi", "en"], rng.randint(0, 2)),
        ocop_stars=rng.choice([None, 3, 4, 5]),
        texts=[" ".join(rng.sample(WORDS, rng.randint(0, 5))), f"item {number}"],
    )


@pytest.mark.django_db
def test_postgresql_decides_exactly_what_the_python_rule_decides(postgres, partner):
    """``decided_in_sql`` (jsonb containment, stored keyword alternatives) against
    ``subscription_matches`` over 300 random subscriptions × 60 random items: not one difference."""
    from random import Random

    from api.matching import decided_in_sql

    rng = Random(6)
    for number in range(300):
        Subscription.objects.create(
            partner=partner,
            name=f"s{number}",
            endpoint_url="https://hooks.example/",
            secret="whsec_x",
            communes=rng.sample([12, 112, 7, 99], rng.randint(0, 2)) if rng.random() < 0.4 else [],
            provinces=rng.sample([3, 4], rng.randint(0, 1)) if rng.random() < 0.3 else [],
            content_types=rng.sample(["product", "guide", "stay", "event"], rng.randint(0, 2)),
            categories=rng.sample(["tea", "honey", "payments", "festival"], rng.randint(0, 2)),
            languages=rng.sample(["vi", "en"], rng.randint(0, 2)),
            minimum_ocop_stars=rng.choice([None, None, 3, 4, 5]),
            keywords=rng.choice(KEYWORD_CHOICES),
        )
    subscriptions = list(Subscription.objects.all())
    differences, matched = [], 0
    for number in range(60):
        item = random_item(rng, number)
        in_python = {one.pk for one in subscriptions if subscription_matches(one, item)}
        in_sql = set(decided_in_sql(Subscription.objects.all(), item).values_list("pk", flat=True))
        matched += len(in_python)
        if in_python != in_sql:
            differences.append((item, in_python ^ in_sql))

    assert differences == []
    assert 300 < matched < 300 * 60 / 2  # the random filters let some through and hold many back


@pytest.mark.django_db
def test_keyword_alternatives_are_kept_folded_on_the_row(partner):
    made = Subscription.objects.create(
        partner=partner, endpoint_url="https://hooks.example/", secret="whsec_x", keywords="Trà Shan, mật ONG"
    )
    made.keywords = "Đặc sản"
    made.save(update_fields=["keywords"])

    made.refresh_from_db()
    assert made.keyword_sets == [["dac", "san"]]
