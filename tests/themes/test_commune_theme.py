"""Per-commune theme: a primary colour that keeps white text readable (WCAG AA), applied to its pages."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from village.theme import contrast_ratio


@pytest.mark.parametrize(
    ("colour", "expected"),
    [("#000000", 21.0), ("#ffffff", 1.0), ("#767676", 4.54), ("#777777", 4.48), ("#1f5c3a", 7.92)],
)
def test_contrast_ratio_against_white_matches_wcag(colour, expected):
    assert round(contrast_ratio(colour, "#ffffff"), 2) == expected


def test_a_commune_colour_too_light_for_white_text_is_refused_with_the_ratio(site_tree):
    commune = site_tree["a"]["commune"]
    commune.primary_colour = "#777777"
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        commune.full_clean()
    assert refused.value.message_dict["primary_colour"] == [
        "White text on #777777 has a contrast of 4.48:1; WCAG AA needs at least 4.5:1. "
        "Choose a darker colour."
    ]


def test_a_dark_enough_colour_is_accepted_and_themes_the_commune_pages(site_tree, client):
    from tests import factories

    commune = site_tree["a"]["commune"]
    commune.primary_colour = "#0b4f6c"
    commune.full_clean()
    factories.publish(commune)
    for page in (commune, site_tree["a"]["guide"]):
        html = client.get(page.url).text
        assert '<link rel="stylesheet" href="/theme/0b4f6c.css">' in html  # no inline <style> (CSP)
        assert "<style" not in html
        assert '<meta name="theme-color" content="#0b4f6c">' in html
    assert "/theme/0b4f6c.css" not in client.get(site_tree["b"]["commune"].url).text
    stylesheet = client.get("/theme/0b4f6c.css")
    assert stylesheet.status_code == 200
    assert stylesheet["Content-Type"] == "text/css; charset=utf-8"
    assert stylesheet.content == b":root{--primary:#0b4f6c}\n"
    assert stylesheet["Cache-Control"] == "public, max-age=31536000, immutable"


def test_a_colour_that_is_not_a_hex_colour_is_refused(site_tree):
    commune = site_tree["a"]["commune"]
    commune.primary_colour = "red;}body{display:none"
    with pytest.raises(ValidationError) as refused:
        commune.full_clean()
    assert "primary_colour" in refused.value.message_dict
