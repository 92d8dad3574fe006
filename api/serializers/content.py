"""Places (provinces, communes, villages) and village content (guides, news, notices, events) for partners.

Places have **one id in every language** (the id of the Vietnamese page, see ``api.places``); the view
puts the page in the requested language on ``obj.shown``. Content pages are listed in the requested
language and carry that language's page id plus the ``translation_key`` that ties the translations.

Public facts only: a commune's *office* contacts are public (an office, not a person); the digital
team leader's name and phone are not published here.
"""

import re

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from wagtail.rich_text import expand_db_html

from village.models import Audience, Difficulty, EventKind, Topic, Urgency

from ..places import page_url
from ..syndication import absolute_url, licence_of, rendition_url
from .base import LicenceSerializer, SyndicatedMixin
from .common import CommonFilter, PlaceRefSerializer, place_ref

#: the card image the site's lists already render (``includes/card_image.html``)
CARD_IMAGE_SPEC = "fill-640x360|format-webp"
MAX_QUERY_LENGTH = 200
TEASER_WORDS = 60

_URL_ATTRIBUTE = re.compile(r'\b(href|src)="(/(?!/)[^"]*)"')
_SRCSET_ATTRIBUTE = re.compile(r'\bsrcset="([^"]*)"')


def absolute_links(html: str, request) -> str:
    """``href``/``src``/``srcset`` pointing at our own paths become absolute (partners publish elsewhere)."""

    def one(match):
        return f'{match.group(1)}="{absolute_url(match.group(2), request)}"'

    def srcset(match):
        candidates = []
        for candidate in match.group(1).split(","):
            parts = candidate.strip().split(maxsplit=1)
            if parts and parts[0].startswith("/") and not parts[0].startswith("//"):
                parts[0] = absolute_url(parts[0], request)
            candidates.append(" ".join(parts))
        return f'srcset="{", ".join(candidates)}"'

    return _SRCSET_ATTRIBUTE.sub(srcset, _URL_ATTRIBUTE.sub(one, html))


def body_html(value, request) -> str:
    """A StreamField rendered with its block templates, or a rich text field expanded; links absolute."""
    if hasattr(value, "render_as_block"):
        html = value.render_as_block(context={"request": request})
    else:
        html = expand_db_html(value or "")
    return absolute_links(str(html), request)


def image_url(image, request) -> str | None:
    """The card rendition of ``image`` (prefetched on lists), as an absolute URL."""
    return rendition_url(image, CARD_IMAGE_SPEC, request)


# --- places -----------------------------------------------------------------------------------------


class PlaceSerializer(SyndicatedMixin, serializers.Serializer):
    """What provinces, communes and villages share. ``obj`` is the canonical page, ``obj.shown`` the
    page in the requested language (the canonical one when there is no live translation)."""

    id = serializers.IntegerField(help_text=_("The same id in every language."))
    translation_key = serializers.SerializerMethodField()
    title = serializers.SerializerMethodField()
    slug = serializers.SerializerMethodField()
    intro = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    updated_at = serializers.SerializerMethodField(
        help_text=_("When this language's page was last published.")
    )

    def shown(self, obj):
        return getattr(obj, "shown", obj)

    def item_path(self, obj) -> str:
        return page_url(self.shown(obj).url_path, self.context.get("request"))

    def get_translation_key(self, obj) -> str:
        return str(obj.translation_key)

    def get_title(self, obj) -> str:
        return self.shown(obj).title

    def get_slug(self, obj) -> str:
        return self.shown(obj).slug

    def get_intro(self, obj) -> str:
        return self.shown(obj).intro

    def get_image_url(self, obj) -> str | None:
        return image_url(self.shown(obj).hero_image, self.context.get("request"))

    def get_updated_at(self, obj) -> serializers.DateTimeField(allow_null=True):
        moment = self.shown(obj).last_published_at
        return serializers.DateTimeField().to_representation(moment) if moment else None


class ProvinceSerializer(PlaceSerializer):
    code = serializers.SerializerMethodField(help_text=_("Official two-digit province code."))
    commune_count = serializers.SerializerMethodField()

    def item_commune(self, obj):
        return None

    def get_code(self, obj) -> str:
        return obj.code

    def get_commune_count(self, obj) -> int:
        return len(self.context["places"].commune_ids_in_province(obj.pk))


class CommuneSerializer(PlaceSerializer):
    """A commune (xã). ``office_*`` are the contacts of the commune *office* (public by law); the digital
    team is described by its size and hours, never by the leader's name or phone."""

    province = serializers.SerializerMethodField()
    admin_code = serializers.SerializerMethodField(help_text=_("Official five-digit commune code."))
    latitude = serializers.SerializerMethodField()
    longitude = serializers.SerializerMethodField()
    population = serializers.SerializerMethodField()
    households = serializers.SerializerMethodField()
    area_km2 = serializers.SerializerMethodField()
    office_address = serializers.SerializerMethodField()
    office_phone = serializers.SerializerMethodField()
    office_email = serializers.SerializerMethodField()
    office_hours = serializers.SerializerMethodField()
    digital_team_members = serializers.SerializerMethodField()
    digital_team_hours = serializers.SerializerMethodField()
    licence = serializers.SerializerMethodField(help_text=_("The licence of the commune's content."))

    def item_commune(self, obj):
        return self.context["places"].communes.get(obj.pk)

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        places = self.context["places"]
        return place_ref(places.province_of_commune(places.communes.get(obj.pk)))

    def get_admin_code(self, obj) -> str:
        return obj.admin_code

    def get_latitude(self, obj) -> float | None:
        return float(obj.latitude) if obj.latitude is not None else None

    def get_longitude(self, obj) -> float | None:
        return float(obj.longitude) if obj.longitude is not None else None

    def get_population(self, obj) -> int | None:
        return obj.population

    def get_households(self, obj) -> int | None:
        return obj.households

    def get_area_km2(self, obj) -> float | None:
        return float(obj.area_km2) if obj.area_km2 is not None else None

    def get_office_address(self, obj) -> str:
        return self.shown(obj).office_address

    def get_office_phone(self, obj) -> str:
        return obj.office_phone

    def get_office_email(self, obj) -> str:
        return obj.office_email

    def get_office_hours(self, obj) -> str:
        return self.shown(obj).office_hours

    def get_digital_team_members(self, obj) -> int | None:
        return obj.digital_team_members

    def get_digital_team_hours(self, obj) -> str:
        return self.shown(obj).digital_team_hours

    def get_licence(self, obj) -> LicenceSerializer:
        return licence_of(obj).as_dict()


class VillageSerializer(PlaceSerializer):
    """A village (thôn or bản) of a commune."""

    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    ethnic_groups = serializers.SerializerMethodField()
    households = serializers.SerializerMethodField()

    def item_commune(self, obj):
        return self.context["places"].commune_of_path(obj.path)

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].commune_of_path(obj.path))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].province_of_path(obj.path))

    def get_ethnic_groups(self, obj) -> str:
        return self.shown(obj).ethnic_groups

    def get_households(self, obj) -> int | None:
        return obj.households


class ProvinceFilter(CommonFilter):
    province = None
    commune = None


class CommuneFilter(CommonFilter):
    commune = None


class VillageFilter(CommonFilter):
    pass


# --- content pages ----------------------------------------------------------------------------------


class PageSerializer(SyndicatedMixin, serializers.Serializer):
    """What every content page shares; the page is in the requested language."""

    id = serializers.IntegerField(help_text=_("The page id in this language."))
    translation_key = serializers.CharField(help_text=_("The same key for every translation of the page."))
    language = serializers.SerializerMethodField()
    title = serializers.CharField()
    slug = serializers.CharField()
    summary = serializers.SerializerMethodField()
    commune = serializers.SerializerMethodField()
    province = serializers.SerializerMethodField()
    image_url = serializers.SerializerMethodField()
    first_published_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField(source="last_published_at", help_text=_("When last published."))

    def item_path(self, obj) -> str:
        return page_url(obj.url_path, self.context.get("request"))

    def item_commune(self, obj):
        return self.context["places"].commune_of_path(obj.path)

    def get_language(self, obj) -> str:
        return self.context["language"]

    def get_summary(self, obj) -> str:
        return obj.teaser

    def get_commune(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].commune_of_path(obj.path))

    def get_province(self, obj) -> PlaceRefSerializer(allow_null=True):
        return place_ref(self.context["places"].province_of_path(obj.path))

    def get_image_url(self, obj) -> str | None:
        return image_url(getattr(obj, "hero_image", None), self.context.get("request"))


class BodyMixin(serializers.Serializer):
    body_html = serializers.SerializerMethodField(help_text=_("The page body as HTML, links absolute."))

    def get_body_html(self, obj) -> str:
        return body_html(obj.body, self.context.get("request"))


class GuideSerializer(PageSerializer):
    """A chapter of a commune's digital village guide."""

    topic = serializers.ChoiceField(choices=Topic.choices)
    audience = serializers.ChoiceField(choices=Audience.choices)
    difficulty = serializers.ChoiceField(choices=Difficulty.choices)
    minutes_needed = serializers.IntegerField()


class GuideDetailSerializer(BodyMixin, GuideSerializer):
    pass


class NewsSerializer(PageSerializer):
    date = serializers.DateField()


class NewsDetailSerializer(BodyMixin, NewsSerializer):
    pass


class NoticeSerializer(PageSerializer):
    """An official notice (thông báo); only notices that have not expired are served."""

    date = serializers.DateField()
    urgency = serializers.ChoiceField(choices=Urgency.choices)
    expires_at = serializers.DateTimeField()

    def get_summary(self, obj) -> str:
        return obj.teaser or Truncator(strip_tags(obj.body)).words(TEASER_WORDS)


class NoticeDetailSerializer(BodyMixin, NoticeSerializer):
    pass


class EventSerializer(PageSerializer):
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    location = serializers.CharField()
    kind = serializers.ChoiceField(choices=EventKind.choices)


class EventDetailSerializer(BodyMixin, EventSerializer):
    pass


class ContentFilter(CommonFilter):
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Only pages published at or after this time (ISO 8601).")
    )
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text=_("Words to search for; diacritics are optional (“dinh danh” finds “định danh”)."),
    )


class GuideFilter(ContentFilter):
    topic = serializers.ChoiceField(choices=Topic.choices, required=False)
    audience = serializers.ChoiceField(choices=Audience.choices, required=False)


class NewsFilter(ContentFilter):
    pass


class NoticeFilter(ContentFilter):
    urgency = serializers.ChoiceField(choices=Urgency.choices, required=False)


class EventFilter(ContentFilter):
    kind = serializers.ChoiceField(choices=EventKind.choices, required=False)
    include_past = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Also list events that have ended (default: upcoming only)."),
    )
