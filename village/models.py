"""Wagtail pages of the digital village: Province → Commune (xã) → Village (thôn/bản).

Since July 2025 Vietnam has two levels of local government (34 provinces, 3,321 communes, no
districts). A commune is the tenant of the platform: its editors and moderators work in its subtree
only, its images and documents live in its own collection.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import strip_tags
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList, TabbedInterface
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Page, PageManager
from wagtail.query import PageQuerySet
from wagtail.search import index

from core.registries import indicators as computed_indicators
from core.text import ascii_slug, folded_words

from .blocks import ArticleStreamBlock, GuideStreamBlock
from .forms import VillagePageForm
from .theme import AA_NORMAL_TEXT, HEX_COLOUR, WHITE, contrast_ratio

# --- images -----------------------------------------------------------------------------------------


class VillageImage(AbstractImage):
    """An uploaded image. Uploads are re-encoded without metadata (see ``village.images``)."""

    alt_text = models.CharField(_("description for blind readers"), max_length=240, blank=True)
    admin_form_fields = (*Image.admin_form_fields, "alt_text")

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("choose_image", "Can choose image")]


class VillageRendition(AbstractRendition):
    image = models.ForeignKey(VillageImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


def _image_field(label):
    return models.ForeignKey(
        settings.WAGTAILIMAGES_IMAGE_MODEL,
        verbose_name=label,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


# --- shared page behaviour -------------------------------------------------------------------------


class VillageBasePage(Page):
    """Behaviour every public page shares: a folded search copy and its commune (tenant)."""

    search_text_fields: tuple[str, ...] = ()
    base_form_class = VillagePageForm

    search_fields = [
        *Page.search_fields,
        index.SearchField("folded_text", boost=1),
        index.FilterField("locale"),
    ]

    class Meta:
        abstract = True

    def folded_text(self) -> str:
        """The title and text without diacritics, so ``dinh hung`` finds ``Định Hưng``."""
        parts = [self.title]
        for name in self.search_text_fields:
            value = getattr(self, name, "")
            if hasattr(value, "stream_block"):
                value = " ".join(strip_tags(str(block.render())) for block in value)
            parts.append(strip_tags(str(value or "")))
        return folded_words(*parts)

    @cached_property
    def commune(self):
        """The CommunePage this page belongs to (itself for a commune), or None above communes."""
        if isinstance(self, CommunePage):
            return self
        return CommunePage.objects.ancestor_of(self).first()

    def full_clean(self, *args, **kwargs):
        """Slugs carry no diacritics, however the page was made (admin, demo loader, API)."""
        self.slug = ascii_slug(self.slug or self.title) or self.slug
        super().full_clean(*args, **kwargs)

    @property
    def teaser(self) -> str:
        """One short text about the page, for cards, search results and the meta description."""
        return self.search_description or getattr(self, "summary", "") or getattr(self, "intro", "") or ""

    def structured_data(self, request) -> dict | None:
        """schema.org JSON-LD for this page (``None`` when schema.org has no fitting type)."""
        return None

    def _schema_base(self, request, schema_type) -> dict:
        data = {
            "@context": "https://schema.org",
            "@type": schema_type,
            "name": self.title,
            "url": self.get_full_url(request),
            "inLanguage": self.locale.language_code,
        }
        image = getattr(self, "hero_image", None)
        if image is not None:
            data["image"] = request.build_absolute_uri(image.get_rendition("fill-1200x675|format-jpeg").url)
        return data

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["commune"] = self.commune
        context["structured_data"] = self.structured_data(request)
        return context


# --- the geography ---------------------------------------------------------------------------------


class HomePage(VillageBasePage):
    """The platform's home: the provinces and what the platform offers."""

    intro = models.TextField(_("introduction"), blank=True)
    hero_image = _image_field(_("hero image"))

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("hero_image")]
    search_text_fields = ("intro",)
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["village.ProvincePage"]

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["provinces"] = ProvincePage.objects.child_of(self).live().order_by("title")
        context["communes"] = (
            CommunePage.objects.descendant_of(self).live().select_related("hero_image").order_by("title")
        )
        return context

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "WebSite")
        data["potentialAction"] = {
            "@type": "SearchAction",
            "target": request.build_absolute_uri(f"/{self.locale.language_code}/search/") + "?q={query}",
            "query-input": "required name=query",
        }
        return data


class ProvincePage(VillageBasePage):
    """A province (tỉnh): groups its communes."""

    code = models.CharField(
        _("official province code"), max_length=2, validators=[RegexValidator(r"^\d{2}$")], blank=True
    )
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = _image_field(_("hero image"))

    content_panels = [*Page.content_panels, FieldPanel("code"), FieldPanel("intro"), FieldPanel("hero_image")]
    search_text_fields = ("intro",)
    parent_page_types = ["village.HomePage"]
    subpage_types = ["village.CommunePage"]

    class Meta:
        verbose_name = _("province")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["communes"] = (
            CommunePage.objects.child_of(self).live().select_related("hero_image").order_by("title")
        )
        return context

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "AdministrativeArea")
        if self.code:
            data["identifier"] = self.code
        data["containedInPlace"] = {"@type": "Country", "name": "Việt Nam"}
        return data


colour_validator = RegexValidator(HEX_COLOUR, _("Use a colour like #1f5c3a."))


class CommunePage(VillageBasePage):
    """A commune (xã): the tenant. Holds the commune office's and the digital team's contacts.

    The community digital technology team (tổ công nghệ số cộng đồng) helps households go digital.
    """

    admin_code = models.CharField(
        _("official administrative code"), max_length=5, validators=[RegexValidator(r"^\d{5}$")], blank=True
    )
    latitude = models.DecimalField(
        _("latitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        _("longitude"),
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    area_km2 = models.DecimalField(_("area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = _image_field(_("hero image"))

    office_address = models.CharField(_("commune office address"), max_length=255, blank=True)
    office_phone = models.CharField(_("commune office phone"), max_length=32, blank=True)
    office_email = models.EmailField(_("commune office email"), blank=True)
    office_hours = models.CharField(_("commune office opening hours"), max_length=255, blank=True)
    digital_team_leader = models.CharField(_("digital team leader"), max_length=120, blank=True)
    digital_team_phone = models.CharField(_("digital team phone"), max_length=32, blank=True)
    digital_team_members = models.PositiveIntegerField(_("digital team members"), null=True, blank=True)
    digital_team_hours = models.CharField(_("when the digital team can help"), max_length=255, blank=True)

    primary_colour = models.CharField(
        _("primary colour"),
        max_length=7,
        default="#1f5c3a",
        validators=[colour_validator],
        help_text=_("Text on this colour is white, so it must be dark enough (contrast at least 4.5:1)."),
    )
    logo = _image_field(_("logo"))
    content_licence = models.CharField(
        _("licence of the commune's content"), max_length=40, default="CC BY 4.0"
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("hero_image"),
        MultiFieldPanel(
            [
                FieldPanel("admin_code"),
                FieldRowPanel([FieldPanel("latitude"), FieldPanel("longitude")]),
                FieldRowPanel([FieldPanel("population"), FieldPanel("households"), FieldPanel("area_km2")]),
            ],
            heading=_("Facts"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("office_address"),
                FieldPanel("office_phone"),
                FieldPanel("office_email"),
                FieldPanel("office_hours"),
            ],
            heading=_("Commune office"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("digital_team_leader"),
                FieldPanel("digital_team_phone"),
                FieldPanel("digital_team_members"),
                FieldPanel("digital_team_hours"),
            ],
            heading=_("Community digital technology team"),
        ),
    ]
    theme_panels = [FieldPanel("primary_colour"), FieldPanel("logo"), FieldPanel("content_licence")]
    edit_handler = TabbedInterface(
        [
            ObjectList(content_panels, heading=_("Content")),
            ObjectList(theme_panels, heading=_("Theme")),
            ObjectList(Page.promote_panels, heading=_("Promote")),
        ]
    )
    search_text_fields = ("intro",)
    parent_page_types = ["village.ProvincePage"]
    subpage_types = [
        "village.VillagePage",
        "village.GuideIndexPage",
        "village.NewsIndexPage",
        "village.EventIndexPage",
    ]

    class Meta:
        verbose_name = _("commune")

    def clean(self):
        super().clean()
        if self.primary_colour and HEX_COLOUR.match(self.primary_colour):
            ratio = contrast_ratio(self.primary_colour, WHITE)
            if ratio < AA_NORMAL_TEXT:
                raise ValidationError(
                    {
                        "primary_colour": _(
                            "White text on %(colour)s has a contrast of %(ratio).2f:1; WCAG AA needs at "
                            "least 4.5:1. Choose a darker colour."
                        )
                        % {"colour": self.primary_colour, "ratio": ratio}
                    }
                )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["villages"] = VillagePage.objects.child_of(self).live().select_related("hero_image")
        context["guides"] = GuidePage.objects.descendant_of(self).live().order_by("-first_published_at")[:6]
        context["news"] = NewsPage.objects.descendant_of(self).live().order_by("-date")[:4]
        context["notices"] = NoticePage.objects.descendant_of(self).live().current().order_by("-date")[:4]
        context["events"] = EventPage.objects.descendant_of(self).live().upcoming().order_by("start")[:4]
        context["guide_index"] = GuideIndexPage.objects.child_of(self).live().first()
        return context

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, ["Place", "AdministrativeArea"])
        if self.intro:
            data["description"] = self.intro
        if self.admin_code:
            data["identifier"] = self.admin_code
        if self.latitude is not None and self.longitude is not None:
            data["geo"] = {
                "@type": "GeoCoordinates",
                "latitude": float(self.latitude),
                "longitude": float(self.longitude),
            }
        if self.office_phone:
            data["telephone"] = self.office_phone
        if self.office_address:
            data["address"] = {
                "@type": "PostalAddress",
                "streetAddress": self.office_address,
                "addressCountry": "VN",
            }
        province = self.get_parent()
        data["containedInPlace"] = {"@type": "AdministrativeArea", "name": province.title}
        return data


class VillagePage(VillageBasePage):
    """A village (thôn or bản) of a commune."""

    ethnic_groups = models.CharField(_("ethnic groups"), max_length=200, blank=True)
    households = models.PositiveIntegerField(_("households"), null=True, blank=True)
    intro = models.TextField(_("introduction"), blank=True)
    hero_image = _image_field(_("hero image"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("ethnic_groups"),
        FieldPanel("households"),
        FieldPanel("hero_image"),
    ]
    search_text_fields = ("intro", "ethnic_groups")
    parent_page_types = ["village.CommunePage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("village")

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "Place")
        if self.intro:
            data["description"] = self.intro
        data["containedInPlace"] = {"@type": "AdministrativeArea", "name": self.commune.title}
        return data


# --- the digital village guide ---------------------------------------------------------------------


class GuideIndexPage(VillageBasePage):
    """The commune's digital village guide: the list of its chapters."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    search_text_fields = ("intro",)
    parent_page_types = ["village.CommunePage"]
    subpage_types = ["village.GuidePage"]

    class Meta:
        verbose_name = _("guide")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["chapters"] = GuidePage.objects.child_of(self).live().order_by("path")
        return context


class Topic(models.TextChoices):
    IDENTITY = "identity", _("Digital identity")
    PAYMENTS = "payments", _("Payments")
    PUBLIC_SERVICES = "public-services", _("Public services")
    SELLING_ONLINE = "selling-online", _("Selling online")
    SAFETY = "safety", _("Staying safe online")
    CONNECTIVITY = "connectivity", _("Phones and connectivity")


class Audience(models.TextChoices):
    EVERYONE = "everyone", _("Everyone")
    ELDERLY = "elderly", _("Older people")
    PRODUCERS = "producers", _("Producers")
    YOUTH = "youth", _("Young people")
    HOUSEHOLDS = "households", _("Households")


class Difficulty(models.TextChoices):
    EASY = "easy", _("Easy")
    MEDIUM = "medium", _("Medium")
    HARD = "hard", _("Needs help")


class GuidePage(VillageBasePage):
    """A chapter of the digital village guide: e.g. "Activate e-ID level 2" with numbered steps."""

    summary = models.TextField(_("summary"), max_length=400)
    topic = models.CharField(_("topic"), max_length=32, choices=Topic.choices, default=Topic.IDENTITY)
    audience = models.CharField(
        _("audience"), max_length=32, choices=Audience.choices, default=Audience.EVERYONE
    )
    difficulty = models.CharField(
        _("difficulty"), max_length=16, choices=Difficulty.choices, default=Difficulty.EASY
    )
    minutes_needed = models.PositiveSmallIntegerField(
        _("minutes needed"), default=15, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    hero_image = _image_field(_("hero image"))
    body = StreamField(GuideStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldRowPanel([FieldPanel("topic"), FieldPanel("audience")]),
        FieldRowPanel([FieldPanel("difficulty"), FieldPanel("minutes_needed")]),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_text_fields = ("summary", "body")
    search_fields = [*VillageBasePage.search_fields, index.FilterField("topic")]
    parent_page_types = ["village.GuideIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("guide chapter")
        verbose_name_plural = _("guide chapters")

    def structured_data(self, request) -> dict:
        """A schema.org HowTo: the numbered steps become ``HowToStep`` items."""
        data = self._schema_base(request, "HowTo")
        data["description"] = self.summary
        data["totalTime"] = f"PT{self.minutes_needed}M"
        steps = []
        for block in self.body:
            if block.block_type == "steps":
                for step in block.value["steps"]:
                    steps.append(
                        {
                            "@type": "HowToStep",
                            "position": len(steps) + 1,
                            "name": step["title"],
                            "text": strip_tags(str(step["text"])).strip(),
                        }
                    )
            elif block.block_type == "checklist":
                data["supply"] = [{"@type": "HowToSupply", "name": item} for item in block.value["items"]]
        data["step"] = steps
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        return data


# --- news, notices, events --------------------------------------------------------------------------


class NewsIndexPage(VillageBasePage):
    """The commune's news and notices."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["village.CommunePage"]
    subpage_types = ["village.NewsPage", "village.NoticePage"]

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["news"] = (
            NewsPage.objects.child_of(self).live().select_related("hero_image").order_by("-date")
        )
        context["notices"] = NoticePage.objects.child_of(self).live().current().order_by("-date")
        return context


class NewsPage(VillageBasePage):
    """A news article of the commune."""

    date = models.DateField(_("date"), default=timezone.localdate)
    summary = models.TextField(_("summary"), max_length=400)
    hero_image = _image_field(_("hero image"))
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"))

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    search_text_fields = ("summary", "body")
    parent_page_types = ["village.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "NewsArticle")
        data["headline"] = self.title
        data["description"] = self.summary
        data["datePublished"] = self.date.isoformat()
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        commune = self.commune
        if commune is not None:
            data["publisher"] = {"@type": "GovernmentOrganization", "name": commune.title}
        return data


class NoticeQuerySet(PageQuerySet):
    def current(self):
        return self.filter(expires_at__gt=timezone.now())


class EventQuerySet(PageQuerySet):
    def upcoming(self):
        return self.filter(end__gte=timezone.now())

    def past(self):
        return self.filter(end__lt=timezone.now())


class Urgency(models.TextChoices):
    INFO = "info", _("Information")
    IMPORTANT = "important", _("Important")
    URGENT = "urgent", _("Urgent")


class NoticePage(VillageBasePage):
    """An official notice (thông báo) that stops being shown as current when it expires."""

    date = models.DateField(_("date"), default=timezone.localdate)
    expires_at = models.DateTimeField(_("expires at"))
    urgency = models.CharField(_("urgency"), max_length=16, choices=Urgency.choices, default=Urgency.INFO)
    body = RichTextField(_("body"), features=["bold", "italic", "link", "ul", "ol", "document-link"])

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("date"), FieldPanel("expires_at"), FieldPanel("urgency")]),
        FieldPanel("body"),
    ]
    objects = PageManager.from_queryset(NoticeQuerySet)()
    search_text_fields = ("body",)
    parent_page_types = ["village.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("notice")

    def clean(self):
        super().clean()
        if self.expires_at and self.date and self.expires_at.date() < self.date:
            raise ValidationError({"expires_at": _("A notice cannot expire before its date.")})

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "SpecialAnnouncement")
        data["datePosted"] = self.date.isoformat()
        data["expires"] = self.expires_at.isoformat()
        data["text"] = strip_tags(self.body).strip()
        return data


class EventIndexPage(VillageBasePage):
    """The commune's calendar of festivals, markets and training days."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    parent_page_types = ["village.CommunePage"]
    subpage_types = ["village.EventPage"]

    class Meta:
        verbose_name = _("events index")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        events = EventPage.objects.child_of(self).live()
        context["upcoming"] = events.upcoming().order_by("start")
        context["past"] = events.past().order_by("-start")[:10]
        return context


class EventKind(models.TextChoices):
    FESTIVAL = "festival", _("Festival")
    MARKET = "market", _("Market")
    TRAINING = "training", _("Training")
    MEETING = "meeting", _("Meeting")


class EventPage(VillageBasePage):
    """A festival, market day, training or meeting."""

    start = models.DateTimeField(_("starts"))
    end = models.DateTimeField(_("ends"))
    location = models.CharField(_("where"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=EventKind.choices, default=EventKind.FESTIVAL)
    summary = models.TextField(_("summary"), max_length=400)
    hero_image = _image_field(_("hero image"))
    body = StreamField(ArticleStreamBlock(), verbose_name=_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
        FieldPanel("location"),
        FieldPanel("kind"),
        FieldPanel("summary"),
        FieldPanel("hero_image"),
        FieldPanel("body"),
    ]
    objects = PageManager.from_queryset(EventQuerySet)()
    search_text_fields = ("summary", "location", "body")
    parent_page_types = ["village.EventIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("event")

    def clean(self):
        super().clean()
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": _("An event cannot end before it starts.")})

    def structured_data(self, request) -> dict:
        data = self._schema_base(request, "Event")
        data.update(
            {
                "description": self.summary,
                "startDate": self.start.isoformat(),
                "endDate": self.end.isoformat(),
                "eventStatus": "https://schema.org/EventScheduled",
                "eventAttendanceMode": "https://schema.org/OfflineEventAttendanceMode",
                "location": {
                    "@type": "Place",
                    "name": self.location,
                    "address": {"@type": "PostalAddress", "addressCountry": "VN"},
                },
            }
        )
        commune = self.commune
        if commune is not None:
            data["organizer"] = {"@type": "GovernmentOrganization", "name": commune.title}
            data["location"]["address"]["addressLocality"] = commune.title
        return data


@register_setting(icon="cog")
class PlatformSettings(BaseSiteSetting):
    """Site-wide contacts shown in the footer."""

    support_email = models.EmailField(_("support email"), blank=True)
    support_phone = models.CharField(_("support phone"), max_length=32, blank=True)

    class Meta:
        verbose_name = _("platform settings")


class CommuneWorkspace(models.Model):
    """What a commune owns in the admin: its groups, collection and moderation workflow.

    Keyed by the commune page's translation key, so the Vietnamese and English pages share it.
    """

    translation_key = models.UUIDField(unique=True)
    editors = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="+")
    moderators = models.OneToOneField("auth.Group", on_delete=models.PROTECT, related_name="+")
    collection = models.OneToOneField("wagtailcore.Collection", on_delete=models.PROTECT, related_name="+")
    workflow = models.OneToOneField("wagtailcore.Workflow", on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("commune workspace")

    def __str__(self) -> str:
        return self.collection.name


# --- digital-village indicators ----------------------------------------------------------------------
# The national programme measures communes by how digital they are. Definitions say what is measured
# (and whether a person enters it or the platform computes it); values are per commune and period,
# keyed by the commune's Vietnamese page (one id in every language). Services in village.indicators.


class IndicatorUnit(models.TextChoices):
    PERCENT = "percent", _("percent")
    COUNT = "count", _("count")
    PER_100_HOUSEHOLDS = "per_100_households", _("per 100 households")


class IndicatorDirection(models.TextChoices):
    HIGHER_IS_BETTER = "higher", _("higher is better")
    LOWER_IS_BETTER = "lower", _("lower is better")


class IndicatorSource(models.TextChoices):
    MANUAL = "manual", _("entered by the commune office")
    COMPUTED = "computed", _("computed by the platform")


class Periodicity(models.TextChoices):
    MONTHLY = "monthly", _("monthly")
    QUARTERLY = "quarterly", _("quarterly")


def _is_english(language: str | None) -> bool:
    return (language or get_language() or "vi").startswith("en")


class IndicatorDefinition(models.Model):
    """One digital-village indicator: what it measures, in which unit, how often, and from where."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    unit = models.CharField(_("unit"), max_length=24, choices=IndicatorUnit.choices)
    direction = models.CharField(
        _("direction"),
        max_length=8,
        choices=IndicatorDirection.choices,
        default=IndicatorDirection.HIGHER_IS_BETTER,
    )
    source = models.CharField(_("source"), max_length=10, choices=IndicatorSource.choices)
    computed_key = models.CharField(
        _("computed by"),
        max_length=80,
        blank=True,
        help_text=_("The key of the computed indicator in the platform's registry; empty for manual ones."),
    )
    periodicity = models.CharField(
        _("periodicity"), max_length=10, choices=Periodicity.choices, default=Periodicity.MONTHLY
    )
    method_vi = models.TextField(_("method (Vietnamese)"), blank=True)
    method_en = models.TextField(_("method (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("shown"), default=True)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(source="manual", computed_key="")
                    | (models.Q(source="computed") & ~models.Q(computed_key=""))
                ),
                name="indicator_computed_key_iff_computed",
            )
        ]

    def __str__(self) -> str:
        return self.code

    def clean(self):
        super().clean()
        if self.source == IndicatorSource.COMPUTED and self.computed_key not in computed_indicators:
            raise ValidationError(
                {
                    "computed_key": _("No computed indicator is registered as %(key)s.")
                    % {"key": self.computed_key}
                }
            )
        if self.source == IndicatorSource.MANUAL and self.computed_key:
            raise ValidationError(
                {"computed_key": _("A manual indicator is not computed: leave this empty.")}
            )

    def name(self, language: str | None = None) -> str:
        return self.name_en if _is_english(language) and self.name_en else self.name_vi

    def method(self, language: str | None = None) -> str:
        return self.method_en if _is_english(language) and self.method_en else self.method_vi

    @property
    def is_percent(self) -> bool:
        return self.unit == IndicatorUnit.PERCENT


class IndicatorTarget(models.Model):
    """A national target for an indicator, to be reached by the end of ``year``."""

    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    value = models.DecimalField(_("target"), max_digits=14, decimal_places=2)
    source_note = models.CharField(_("source of the target"), max_length=200, blank=True)

    class Meta:
        ordering = ["indicator", "year"]
        verbose_name = _("indicator target")
        verbose_name_plural = _("indicator targets")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="one_target_per_indicator_year")
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class IndicatorValue(models.Model):
    """The value of an indicator for one commune and one period (the period's first day).

    Manual values carry who entered them and the evidence; every entry and correction is kept in
    :class:`IndicatorValueChange`. Computed values carry when they were computed.
    """

    indicator = models.ForeignKey(IndicatorDefinition, on_delete=models.PROTECT, related_name="values")
    commune = models.ForeignKey(settings.COMMUNE_MODEL, on_delete=models.CASCADE, related_name="+")
    period_start = models.DateField(_("period"))
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=2)
    evidence = models.TextField(_("evidence"), blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["indicator", "commune", "period_start"]
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "commune", "period_start"], name="one_value_per_commune_period"
            )
        ]
        indexes = [
            models.Index(fields=["commune", "indicator", "period_start"], name="indicator_value_lookup"),
            models.Index(fields=["updated_at"], name="indicator_value_updated"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.commune_id} {self.period_start}: {self.value}"


class IndicatorValueChange(models.Model):
    """One entry or correction of a manual value (append-only history)."""

    value = models.ForeignKey(IndicatorValue, on_delete=models.CASCADE, related_name="changes")
    previous = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new = models.DecimalField(max_digits=14, decimal_places=2)
    evidence = models.TextField(blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-changed_at", "-pk"]
        verbose_name = _("indicator value change")
        verbose_name_plural = _("indicator value changes")

    def __str__(self) -> str:
        return f"{self.previous} → {self.new} ({self.changed_at:%Y-%m-%d})"


class GuideVote(models.Model):
    """A visitor's answer to "Was this guide helpful?" — one per visitor and guide, in any language.

    ``visitor`` is a keyed hash of the visitor's random cookie id (no login, no personal data).
    """

    guide_key = models.UUIDField(_("guide"), help_text=_("The translation key of the guide chapter."))
    guide = models.ForeignKey(GuidePage, on_delete=models.CASCADE, related_name="+")
    commune = models.ForeignKey(settings.COMMUNE_MODEL, on_delete=models.CASCADE, related_name="+")
    visitor = models.CharField(max_length=64)
    helpful = models.BooleanField()
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("guide vote")
        verbose_name_plural = _("guide votes")
        constraints = [
            models.UniqueConstraint(fields=["guide_key", "visitor"], name="one_vote_per_visitor_guide")
        ]
        indexes = [models.Index(fields=["commune", "created_at"], name="guide_vote_commune_time")]

    def __str__(self) -> str:
        return f"{self.guide_key}: {'yes' if self.helpful else 'no'}"
