"""Page-tree rules: which page may live under which."""

import pytest
from wagtail.models import Page

from village.models import (
    CommunePage,
    EventIndexPage,
    EventPage,
    GuideIndexPage,
    GuidePage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    NoticePage,
    ProvincePage,
    VillagePage,
)

ALLOWED_CHILDREN = {
    HomePage: {ProvincePage},
    ProvincePage: {CommunePage},
    CommunePage: {VillagePage, GuideIndexPage, NewsIndexPage, EventIndexPage},
    VillagePage: set(),
    GuideIndexPage: {GuidePage},
    GuidePage: set(),
    NewsIndexPage: {NewsPage, NoticePage},
    NewsPage: set(),
    NoticePage: set(),
    EventIndexPage: {EventPage},
    EventPage: set(),
}


@pytest.mark.parametrize("parent", list(ALLOWED_CHILDREN), ids=lambda model: model.__name__)
def test_each_page_type_allows_exactly_its_children(parent):
    # when
    allowed = set(parent.allowed_subpage_models())
    # then
    assert allowed == ALLOWED_CHILDREN[parent]


def test_only_the_home_page_may_sit_at_the_root(db):
    root = Page.get_first_root_node()
    assert [model for model in ALLOWED_CHILDREN if model.can_create_at(root)] == [HomePage]


def test_building_a_commune_out_of_place_is_refused(site_tree):
    # given a guide index of commune A
    guides = site_tree["a"]["guides"]
    # then no commune, province or village may be created inside it
    for model in (CommunePage, ProvincePage, VillagePage, NewsPage):
        assert not model.can_create_at(guides)
    assert GuidePage.can_create_at(guides)


def test_each_page_knows_its_commune(site_tree):
    commune = site_tree["a"]["commune"]
    for key in ("village", "guide", "news", "notice", "event"):
        assert site_tree["a"][key].specific.commune.pk == commune.pk
    assert site_tree["province"].specific.commune is None


def test_vietnamese_titles_make_slugs_without_diacritics(site_tree):
    # given a chapter titled in Vietnamese, with the slug as the admin script types it, and one without
    guides = site_tree["a"]["guides"]
    typed = GuidePage(title="Trả tiền bằng mã QR", slug="trả-tiền-bằng-mã-qr", summary="VietQR", body="[]")
    guides.add_child(instance=typed)
    blank = GuidePage(title="Đăng ký định danh", slug="", summary="VNeID", body="[]")
    guides.add_child(instance=blank)
    # then both are stored folded
    assert GuidePage.objects.get(pk=typed.pk).slug == "tra-tien-bang-ma-qr"
    assert GuidePage.objects.get(pk=blank.pk).slug == "dang-ky-dinh-danh"
