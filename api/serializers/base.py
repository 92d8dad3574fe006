"""Serializer pieces every partner-facing item shares: the syndication block and the error shape.

Partner-facing serializers list their fields explicitly (never ``__all__``) and carry no personal
data: no phone, email, address or name of a private person (tests/api/test_privacy.py walks them all).
"""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from ..syndication import syndication


class LicenceSerializer(serializers.Serializer):
    name = serializers.CharField(help_text=_("e.g. CC BY 4.0"))
    url = serializers.CharField(allow_blank=True)


class SyndicationSerializer(serializers.Serializer):
    canonical_url = serializers.URLField(help_text=_("The item's page on the platform."))
    tracked_url = serializers.URLField(
        help_text=_("Link to use in your article: it leads to the canonical page and counts your clicks.")
    )
    attribution = serializers.CharField(help_text=_("Show this line next to the content."))
    licence = LicenceSerializer()


class SyndicatedMixin(serializers.Serializer):
    """Adds ``syndication``; the serializer defines ``item_path(obj)`` and ``item_commune(obj)``."""

    syndication = serializers.SerializerMethodField()

    def item_path(self, obj) -> str:
        raise NotImplementedError

    def item_commune(self, obj):
        return getattr(obj, "commune", None)

    def get_syndication(self, obj) -> SyndicationSerializer:
        return syndication(
            path=self.item_path(obj),
            commune=self.item_commune(obj),
            partner=self.context.get("partner"),
            request=self.context.get("request"),
        )


class ErrorDetailSerializer(serializers.Serializer):
    status = serializers.IntegerField()
    code = serializers.CharField()
    message = serializers.CharField()
    fields = serializers.DictField(child=serializers.ListField(child=serializers.CharField()), required=False)


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API."""

    error = ErrorDetailSerializer()
