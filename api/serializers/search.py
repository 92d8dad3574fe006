"""The one search as the API answers it: hits with their syndication block, the total and the facets.

What is searched, folded and ranked is ``core.search`` (one interface, the database or Elasticsearch
backend); the query is read by ``core.search.documents.parse_query``, so the site's search page and the
API refuse the same things. Hits carry public content only: titles and summaries of published pages and
listed products and services, the place by its public name, never a person.
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from .base import SyndicationSerializer
from .common import PlaceRefSerializer

DEFAULT_SUGGESTIONS = 8
MAXIMUM_SUGGESTIONS = 20


class SearchParameters(serializers.Serializer):
    """The query string of ``GET /api/v1/search/`` (documentation; ``parse_query`` reads it)."""

    q = serializers.CharField(
        required=False,
        allow_blank=True,
        help_text=_(
            "The words, with or without Vietnamese diacritics (“che shan tuyet” finds “Chè Shan Tuyết”). "
            "Operators are ignored; a longer query is cut to 200 characters."
        ),
    )
    type = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_(
            "Kinds of results: guide, news, event, notice, product, stay, tour, experience — repeat the "
            "parameter or separate with commas. Default: every kind your key may read."
        ),
    )
    province = serializers.IntegerField(required=False, min_value=1, help_text=_("Province id."))
    commune = serializers.IntegerField(required=False, min_value=1, help_text=_("Commune id."))
    category = serializers.CharField(
        required=False, help_text=_("A value of the category facet (a product category, a guide topic…).")
    )
    minimum_ocop_stars = serializers.IntegerField(required=False, min_value=1, max_value=5)
    price = serializers.CharField(
        required=False, help_text=_("A value of the price facet: a band in VND such as 100000-300000.")
    )
    min_price = serializers.IntegerField(required=False, min_value=0, help_text=_("VND, inclusive."))
    max_price = serializers.IntegerField(required=False, min_value=1, help_text=_("VND, exclusive."))
    page = serializers.IntegerField(required=False, min_value=1, help_text=_("1 for the first page."))
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        help_text=_("Results per page (1–50, default 20; more is capped at 50)."),
    )
    lang = serializers.ChoiceField(
        choices=["vi", "en"], required=False, help_text=_("vi or en; otherwise Accept-Language decides.")
    )


class SearchHitSerializer(serializers.Serializer):
    key = serializers.CharField(help_text=_("The item's key across languages, e.g. product:12."))
    kind = serializers.CharField(help_text=_("guide, news, event, notice, product, stay, tour, experience…"))
    language = serializers.CharField()
    title = serializers.CharField()
    summary = serializers.CharField(allow_blank=True)
    url = serializers.URLField(help_text=_("The item's page on the platform (as syndication.canonical_url)."))
    province = PlaceRefSerializer(allow_null=True)
    commune = PlaceRefSerializer(allow_null=True)
    category = serializers.CharField(allow_blank=True)
    ocop_stars = serializers.IntegerField(allow_null=True)
    price = serializers.IntegerField(allow_null=True, help_text=_("VND (products, stays, experiences)."))
    updated_at = serializers.DateTimeField(allow_null=True)
    syndication = SyndicationSerializer()


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField(help_text=_("Give it back as the facet's query parameter to narrow."))
    label = serializers.CharField(help_text=_("In the requested language."))
    count = serializers.IntegerField()


class SearchResultsSerializer(serializers.Serializer):
    total = serializers.IntegerField(help_text=_("Results matching, over every page."))
    page = serializers.IntegerField()
    limit = serializers.IntegerField()
    query_cut = serializers.BooleanField(help_text=_("True when q was longer than we read and was cut."))
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = SearchHitSerializer(many=True)
    facets = serializers.DictField(
        child=FacetValueSerializer(many=True),
        help_text=_(
            "Per query parameter (type, province, commune, category, minimum_ocop_stars, price): the values "
            "present among the results, with their counts."
        ),
    )


class SuggestParameters(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What has been typed so far (diacritics optional); cut to 200 characters."),
    )
    limit = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=MAXIMUM_SUGGESTIONS,
        default=DEFAULT_SUGGESTIONS,
        help_text=_("How many suggestions (1–20, default 8)."),
    )
    lang = serializers.ChoiceField(choices=["vi", "en"], required=False)


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField(help_text=_("A title starting with (a word starting with) what was typed."))
    kind = serializers.CharField()
    url = serializers.URLField()


class SuggestionsSerializer(serializers.Serializer):
    suggestions = SuggestionSerializer(many=True)
