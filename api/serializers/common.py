"""Small shapes several resources share: a place reference, filters every list accepts."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers


@extend_schema_field({"type": "string", "pattern": "^[0-2][0-9]:[0-5][0-9]$", "example": "14:00"})
class LocalTimeField(serializers.TimeField):
    """A time of day in the commune's time (Asia/Ho_Chi_Minh), ``HH:MM`` — not an RFC 3339 time, which
    would need a UTC offset."""

    def __init__(self, **kwargs):
        kwargs.setdefault("format", "%H:%M")
        super().__init__(**kwargs)


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
