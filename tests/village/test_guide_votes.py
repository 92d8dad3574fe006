"""The guide's "Was this guide helpful?" vote: one answer per visitor and guide, in any language."""

import re
from datetime import timedelta

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation

from village.indicators import votes
from village.models import GuideVote

VOTER_ID = "v" * 40
OTHER_VOTER_ID = "w" * 40


def _vote_url(guide, language="vi"):
    with translation.override(language):
        return reverse("indicators:vote", args=[guide.pk])


def _vote(client, guide, answer="yes", language="vi", **headers):
    return client.post(_vote_url(guide, language), {"helpful": answer}, **headers)


@pytest.fixture
def guide(site_tree):
    return site_tree["a"]["guide"]


@pytest.fixture
def english_guide(site_tree, guide):
    return guide.get_translation(site_tree["en"])


@pytest.mark.django_db
def test_a_yes_vote_creates_one_row_for_the_guide_and_its_vietnamese_commune(client, site_tree, guide):
    client.cookies[votes.VOTER_COOKIE] = VOTER_ID
    response = _vote(client, guide, "yes")
    assert response.status_code == 303
    assert response["Location"] == f"{guide.url}?helpful=thanks#helpful"
    vote = GuideVote.objects.get()
    assert (vote.guide_key, vote.guide_id, vote.commune_id, vote.helpful) == (
        guide.translation_key,
        guide.pk,
        site_tree["a"]["commune"].pk,
        True,
    )
    assert vote.visitor == votes.visitor_hash(VOTER_ID)
    assert len(vote.visitor) == 64 and VOTER_ID not in vote.visitor


@pytest.mark.django_db
def test_a_vote_on_the_english_page_is_stored_with_the_vietnamese_ids(
    client, site_tree, guide, english_guide
):
    response = _vote(client, english_guide, "no", language="en")
    assert response.status_code == 303
    assert response["Location"] == f"{english_guide.url}?helpful=thanks#helpful"
    vote = GuideVote.objects.get()
    assert english_guide.pk != guide.pk
    assert (vote.guide_key, vote.guide_id, vote.commune_id, vote.helpful) == (
        guide.translation_key,
        guide.pk,
        site_tree["a"]["commune"].pk,
        False,
    )


@pytest.mark.django_db
def test_a_second_vote_changes_the_answer_and_adds_no_row(client, guide):
    client.cookies[votes.VOTER_COOKIE] = VOTER_ID
    _vote(client, guide, "yes")
    first = GuideVote.objects.get()
    _vote(client, guide, "no")
    vote = GuideVote.objects.get()
    assert vote.pk == first.pk
    assert vote.helpful is False
    assert vote.updated_at > first.updated_at
    assert vote.created_at == first.created_at


@pytest.mark.django_db
def test_the_cookie_set_by_the_first_vote_makes_the_english_vote_the_same_row(client, guide, english_guide):
    first = _vote(client, guide, "yes")
    assert votes.VOTER_COOKIE in first.cookies  # the first vote gives the visitor an id
    second = _vote(client, english_guide, "no", language="en")
    assert votes.VOTER_COOKIE not in second.cookies  # and keeps it
    vote = GuideVote.objects.get()
    assert vote.helpful is False
    assert vote.visitor == votes.visitor_hash(first.cookies[votes.VOTER_COOKIE].value)


@pytest.mark.django_db
def test_another_visitor_adds_a_second_row(client, guide):
    client.cookies[votes.VOTER_COOKIE] = VOTER_ID
    _vote(client, guide, "yes")
    client.cookies[votes.VOTER_COOKIE] = OTHER_VOTER_ID
    _vote(client, guide, "no")
    assert sorted(GuideVote.objects.values_list("helpful", flat=True)) == [False, True]
    assert GuideVote.objects.values("visitor").distinct().count() == 2


@pytest.mark.django_db
def test_the_voter_cookie_is_http_only_lax_a_year_and_secure_on_https(client, guide):
    cookie = _vote(client, guide).cookies[votes.VOTER_COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{32,64}", cookie.value)
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert not cookie["secure"]
    secure = _vote(client.__class__(), guide, secure=True).cookies[votes.VOTER_COOKIE]
    assert secure["secure"] is True


@pytest.mark.django_db
def test_a_forged_cookie_value_is_replaced(client, guide):
    client.cookies[votes.VOTER_COOKIE] = "<script>"
    response = _vote(client, guide)
    assert response.cookies[votes.VOTER_COOKIE].value != "<script>"
    assert GuideVote.objects.get().visitor == votes.visitor_hash(response.cookies[votes.VOTER_COOKIE].value)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # the right host, the wrong scheme
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_SEC_FETCH_SITE": "same-site"},
        {"HTTP_ORIGIN": "http://testserver", "HTTP_SEC_FETCH_SITE": "cross-site"},
    ],
)
def test_a_cross_site_post_is_refused_and_nothing_is_written(client, guide, headers):
    response = _vote(client, guide, **headers)
    assert response.status_code == 403
    assert votes.VOTER_COOKIE not in response.cookies
    assert not GuideVote.objects.exists()


@pytest.mark.django_db
def test_a_same_origin_post_from_the_page_is_counted_without_a_csrf_token(guide):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = _vote(client, guide, HTTP_ORIGIN="http://testserver", HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert GuideVote.objects.count() == 1


@pytest.mark.django_db
@override_settings(GUIDE_VOTES_PER_IP_PER_HOUR=2)
def test_new_votes_from_one_address_are_limited_and_the_refusal_writes_nothing(client, site_tree, guide):
    for voter in ("a" * 40, "b" * 40):
        client.cookies[votes.VOTER_COOKIE] = voter
        assert _vote(client, guide).status_code == 303
    client.cookies[votes.VOTER_COOKIE] = "c" * 40
    response = _vote(client, guide)
    assert response.status_code == 429
    assert GuideVote.objects.count() == 2
    # changing an existing answer is not a new vote
    client.cookies[votes.VOTER_COOKIE] = "a" * 40
    assert _vote(client, guide, "no").status_code == 303
    assert GuideVote.objects.filter(helpful=False).count() == 1
    # another address still votes
    client.cookies[votes.VOTER_COOKIE] = "d" * 40
    assert _vote(client, guide, REMOTE_ADDR="203.0.113.9").status_code == 303
    assert GuideVote.objects.count() == 3


@pytest.mark.django_db
def test_an_unknown_or_unpublished_guide_is_not_found(client, site_tree, guide):
    assert client.post(reverse("indicators:vote", args=[999999]), {"helpful": "yes"}).status_code == 404
    news = site_tree["a"]["news"]
    assert client.post(reverse("indicators:vote", args=[news.pk]), {"helpful": "yes"}).status_code == 404
    guide.unpublish()
    assert _vote(client, guide).status_code == 404
    assert not GuideVote.objects.exists()


@pytest.mark.django_db
def test_a_get_is_not_allowed_and_a_missing_answer_is_refused(client, guide):
    assert client.get(_vote_url(guide)).status_code == 405
    assert client.post(_vote_url(guide), {"helpful": "maybe"}).status_code == 400
    assert not GuideVote.objects.exists()


@pytest.mark.django_db
def test_the_guide_page_shows_the_question_and_after_voting_the_thanks(client, guide, english_guide):
    html = client.get(english_guide.url).text
    assert 'id="helpful"' in html
    assert f'action="{_vote_url(english_guide, "en")}"' in html
    assert 'name="helpful" value="yes"' in html and 'name="helpful" value="no"' in html
    assert "Was this guide helpful?" in html
    assert 'name="csrfmiddlewaretoken"' not in html
    thanks = client.get(f"{english_guide.url}?helpful=thanks").text
    assert "Thank you for your answer." in thanks
    assert 'name="helpful" value="yes"' not in thanks


@pytest.mark.django_db
@override_settings(PAGE_CACHE_SECONDS=300)
def test_the_cached_guide_page_keeps_the_question_and_the_thanks_apart(client, guide):
    first = client.get(guide.url)
    assert first["X-Page-Cache"] == "miss"
    thanks = client.get(f"{guide.url}?helpful=thanks")
    assert thanks["X-Page-Cache"] == "miss"
    assert 'name="helpful" value="yes"' not in thanks.text
    again = client.get(guide.url)
    assert again["X-Page-Cache"] == "hit"
    assert 'name="helpful" value="yes"' in again.text


# --- huge ids, trusted origins, IPv6 budgets, repeated answers -----------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("guide_id", ["99999999999999999999999", str(2**63), "1" + "0" * 18])
def test_a_guide_id_too_large_for_the_database_is_not_found(client, guide, guide_id):
    response = client.post(f"/en/indicators/vote/{guide_id}/", {"helpful": "yes"})
    assert response.status_code == 404
    assert not GuideVote.objects.exists()


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://village.example", "https://*.partner.example"])
@pytest.mark.parametrize("origin", ["https://village.example", "https://www.partner.example"])
def test_an_origin_in_csrf_trusted_origins_is_counted(client, guide, origin):
    """Behind a proxy that rewrites Host, the page's own origin is only known from the settings."""
    response = _vote(client, guide, HTTP_ORIGIN=origin, HTTP_SEC_FETCH_SITE="same-origin")
    assert response.status_code == 303
    assert GuideVote.objects.count() == 1


@pytest.mark.django_db
@override_settings(CSRF_TRUSTED_ORIGINS=["https://village.example", "https://*.partner.example"])
@pytest.mark.parametrize(
    "origin",
    [
        "http://village.example",
        "https://village.example.evil",
        "https://evil.example",
        "https://partner.example.evil",
    ],
)
def test_an_origin_not_trusted_is_still_refused(client, guide, origin):
    response = _vote(client, guide, HTTP_ORIGIN=origin)
    assert response.status_code == 403
    assert not GuideVote.objects.exists()


def _vote_from(client, guide, voter, address):
    client.cookies[votes.VOTER_COOKIE] = voter
    return _vote(client, guide, REMOTE_ADDR=address)


@pytest.mark.django_db
@override_settings(GUIDE_VOTES_PER_IP_PER_HOUR=2)
def test_ipv6_addresses_of_one_64_prefix_share_one_budget(client, guide):
    assert _vote_from(client, guide, "a" * 40, "2001:db8:1:2::1").status_code == 303
    assert _vote_from(client, guide, "b" * 40, "2001:db8:1:2:ffff:ffff:ffff:fffe").status_code == 303
    assert _vote_from(client, guide, "c" * 40, "2001:0db8:0001:0002:abcd::9").status_code == 429
    assert GuideVote.objects.count() == 2
    # the next /64 has its own budget
    assert _vote_from(client, guide, "d" * 40, "2001:db8:1:3::1").status_code == 303
    assert GuideVote.objects.count() == 3


@pytest.mark.django_db
@override_settings(GUIDE_VOTES_PER_IP_PER_HOUR=2)
def test_ipv4_addresses_each_have_their_own_budget(client, guide):
    assert _vote_from(client, guide, "a" * 40, "198.51.100.1").status_code == 303
    assert _vote_from(client, guide, "b" * 40, "198.51.100.1").status_code == 303
    assert _vote_from(client, guide, "c" * 40, "198.51.100.1").status_code == 429
    assert _vote_from(client, guide, "d" * 40, "198.51.100.2").status_code == 303
    assert GuideVote.objects.count() == 3


def test_the_rate_limit_key_of_an_address():
    assert votes.rate_limit_key("198.51.100.7") == "198.51.100.7"
    assert votes.rate_limit_key("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert votes.rate_limit_key("2001:DB8:1:2::9") == "2001:db8:1:2::/64"
    assert votes.rate_limit_key("::ffff:198.51.100.7") == "198.51.100.7"
    assert votes.rate_limit_key("unknown") == "unknown"


@pytest.mark.django_db
def test_the_same_answer_again_keeps_the_vote_as_it_was(client, guide):
    """Helpfulness counts votes by updated_at: a repeated click must not move a vote to this month."""
    client.cookies[votes.VOTER_COOKIE] = VOTER_ID
    _vote(client, guide, "yes")
    earlier = timezone.now() - timedelta(days=90)
    GuideVote.objects.update(created_at=earlier, updated_at=earlier)
    assert _vote(client, guide, "yes").status_code == 303
    vote = GuideVote.objects.get()
    assert (vote.helpful, vote.created_at, vote.updated_at) == (True, earlier, earlier)
    # a changed answer is a new answer: it moves
    assert _vote(client, guide, "no").status_code == 303
    vote = GuideVote.objects.get()
    assert vote.helpful is False
    assert vote.created_at == earlier
    assert vote.updated_at > earlier + timedelta(days=89)
