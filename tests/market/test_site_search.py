"""Listed products show up in the one site search, without diacritics, with a link to the catalogue."""

from core.search.indexing import reindex
from market.models import Product, ReviewStatus


def test_the_site_search_lists_matching_products_after_the_pages(tea, client):
    html = client.get("/vi/search/?q=che+shan+tuyet").text
    assert '<a href="/vi/market/p/' + tea.slug + '/">Chè Shan Tuyết</a>' in html
    assert "350.000 ₫ / kg · Hợp tác xã chè Tả Van" in html
    assert 'href="/vi/market/?q=che+shan+tuyet"' in html


def test_products_waiting_for_approval_are_not_found(tea, client):
    Product.objects.filter(pk=tea.pk).update(review_status=ReviewStatus.PENDING)
    reindex([f"product:{tea.pk}"])
    assert "Chè Shan Tuyết" not in client.get("/vi/search/?q=che+shan+tuyet").text
