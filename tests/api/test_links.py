"""Tracked links: signed, counted per partner and day, never an open redirect."""

import pytest
from django.test import Client
from django.urls import reverse

from api.models import LinkClickDay
from api.syndication import read_tracked_token, tracked_token, tracked_url


@pytest.mark.django_db
def test_following_an_items_tracked_link_counts_a_click_and_lands_on_the_canonical_page(api_client, tea):
    item = api_client.get("/api/v1/products/?lang=en").json()["results"][0]
    tracked = item["syndication"]["tracked_url"].removeprefix("http://testserver")

    first = Client().get(tracked)
    Client().get(tracked)

    assert first.status_code == 302
    assert first["Location"] == f"/en/market/p/{tea.slug}/"
    assert item["syndication"]["canonical_url"] == f"http://testserver{first['Location']}"
    clicks = LinkClickDay.objects.get(partner=api_client.partner)
    assert (clicks.path, clicks.clicks) == (f"/en/market/p/{tea.slug}/", 2)


@pytest.mark.django_db
def test_the_token_route_is_the_one_tracked_url_builds(partner):
    token = tracked_token(partner_id=partner.pk, path="/vi/market/")

    assert tracked_url(partner_id=partner.pk, path="/vi/market/") == (
        "http://testserver" + reverse("tracked_link", kwargs={"token": token})
    )
    assert read_tracked_token(token) == (partner.pk, "/vi/market/")


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["//evil.example/", "https://evil.example/", "evil", "/\\\\evil.example"])
def test_foreign_addresses_cannot_be_tracked(path):
    with pytest.raises(ValueError):
        tracked_token(partner_id=1, path=path)


@pytest.mark.django_db
def test_an_altered_token_is_404_and_counts_nothing(partner):
    token = tracked_token(partner_id=partner.pk, path="/vi/market/")
    partner_swapped = f"{partner.pk + 1}{token[len(str(partner.pk)) :]}"
    tampered = token[:-1] + ("0" if token[-1] != "0" else "1")

    responses = [Client().get(f"/go/{bad}/") for bad in (partner_swapped, tampered, "garbage", "1.Lw.x")]

    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert LinkClickDay.objects.count() == 0
