"""Small shapes several resources share: a place reference, filters every list accepts."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class PlaceRefSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text=_("The same id in every language."))
    title = serializers.CharField()


def place_ref(place) -> dict | None:
    return {"id": place.id, "title": place.title} if place is not None else None


class CommonFilter(serializers.Serializer):
    """Filters every list accepts."""

    lang = serializers.ChoiceField(
        choices=["vi", "en"], required=False, help_text=_("vi or en; otherwise Accept-Language decides.")
    )
    province = serializers.IntegerField(required=False, min_value=1, help_text=_("Province id."))
    commune = serializers.IntegerField(required=False, min_value=1, help_text=_("Commune id."))
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Only items changed at or after this time (ISO 8601).")
    )

    def validate_province(self, value):
        places = self.context.get("places")
        if places is not None and value not in places.provinces:
            raise serializers.ValidationError(_("There is no province with this id."))
        return value

    def validate_commune(self, value):
        places = self.context.get("places")
        if places is not None and value not in places.communes:
            raise serializers.ValidationError(_("There is no commune with this id."))
        return value
