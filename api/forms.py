"""Forms of the partners' portal (``/<lang>/partners/``): registering, naming a key, a webhook subscription.

They check the *shape* of what was typed (an address, an email, ids among the live communes); the rules
(who may have keys or subscriptions, which endpoints we call, what a filter may hold) are the services'
(``api.services``), whose ``ApiServiceError`` the views put back on these forms with
:func:`apply_service_error`.
"""

from operator import attrgetter

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms
from core.forms import AccessibleForm
from market.models import Category
from village.models import Topic

from .exceptions import ApiServiceError
from .models import ItemKind, Partner, Subscription
from .places import PlaceIndex
from .services.subscriptions import LANGUAGES

OCOP_STAR_CHOICES = [("", _("No minimum")), *((stars, "★" * stars) for stars in range(1, 6))]


def apply_service_error(form: forms.Form, error: ApiServiceError, *, field_map: dict | None = None) -> None:
    """Put a refused service call on the field it is about, or at the top of the form."""
    core_forms.apply_service_error(
        form, error, domain_error=ApiServiceError, message=attrgetter("message"), field_map=field_map
    )


def url_input() -> forms.TextInput:
    """An address typed on a phone: the URL keyboard, no autocorrection."""
    return forms.TextInput(attrs={"inputmode": "url", "autocomplete": "url", "spellcheck": "false"})


def _max_length(field_name: str, model=Partner) -> int:
    return model._meta.get_field(field_name).max_length


class EmptyForm(AccessibleForm):
    """A confirmation button: nothing to type, only the CSRF token."""


class RegistrationForm(AccessibleForm):
    """Ask for access to the open API: who you are and what you will do with it."""

    organisation = forms.CharField(
        label=_("Organisation"),
        max_length=_max_length("organisation"),
        help_text=_("The newspaper, magazine, app or company that will use the API."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    website = forms.URLField(
        label=_("Website"),
        max_length=_max_length("website"),
        assume_scheme="https",
        help_text=_("Where your readers will see our content, for example https://example.com."),
        widget=url_input(),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=_max_length("contact_name"),
        help_text=_("Who we write to about your access; never shown publicly."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    contact_email = forms.EmailField(
        label=_("Contact email"),
        max_length=254,
        widget=forms.TextInput(attrs={"inputmode": "email", "autocomplete": "email", "spellcheck": "false"}),
    )
    intended_use = forms.CharField(
        label=_("What you will use the API for"),
        max_length=_max_length("intended_use"),
        help_text=_(
            "Which content (guides, news, products, stays…), for which readers, and how you will show it. "
            "This helps us choose your tier and scopes."
        ),
        widget=forms.Textarea(attrs={"rows": 5}),
    )


class KeyForm(AccessibleForm):
    """A new API key; the name only helps the partner tell its keys apart."""

    name = forms.CharField(
        label=_("Name of the key"),
        max_length=80,
        required=False,
        help_text=_("Only you see it, for example “website production” or “mobile app”."),
    )


def _place_choices(places: PlaceIndex, *, wanted_communes=(), wanted_provinces=()) -> tuple[list, list]:
    """Provinces, and communes grouped by province (titles in the page's language), by canonical id.

    Ids already chosen that are no longer published stay choosable, so that an old subscription can still
    be saved; they are shown by number.
    """
    by_title = attrgetter("title")
    provinces = sorted(places.provinces.values(), key=by_title)
    groups = []
    for province in provinces:
        communes = sorted(
            (commune for commune in places.communes.values() if commune.province_id == province.id),
            key=by_title,
        )
        if communes:
            groups.append((province.title, [(commune.id, commune.title) for commune in communes]))
    loose = sorted(
        (commune for commune in places.communes.values() if commune.province_id not in places.provinces),
        key=by_title,
    )
    if loose:
        groups.append((_("Other communes"), [(commune.id, commune.title) for commune in loose]))
    gone_communes = sorted(set(wanted_communes) - set(places.communes))
    if gone_communes:
        groups.append((_("No longer published"), [(value, f"#{value}") for value in gone_communes]))
    province_choices = [(province.id, province.title) for province in provinces]
    province_choices += [
        (value, f"#{value}") for value in sorted(set(wanted_provinces) - set(places.provinces))
    ]
    return province_choices, groups


class SubscriptionForm(AccessibleForm):
    """A webhook endpoint and what it wants to hear about; every filter left empty means "everything"."""

    name = forms.CharField(
        label=_("Name"),
        max_length=_max_length("name", Subscription),
        required=False,
        help_text=_("Only you see it, for example “travel section”."),
    )
    endpoint_url = forms.URLField(
        label=_("Endpoint address"),
        max_length=_max_length("endpoint_url", Subscription),
        assume_scheme="https",
        help_text=_(
            "The https:// address of your server that receives the events (POST, JSON, signed with the "
            "secret we give you)."
        ),
        widget=url_input(),
    )
    provinces = forms.TypedMultipleChoiceField(
        label=_("Provinces"),
        coerce=int,
        required=False,
        help_text=_("Everything published in these provinces. Choose none for all provinces."),
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    communes = forms.TypedMultipleChoiceField(
        label=_("Communes"),
        coerce=int,
        required=False,
        help_text=_("Only these communes. Choose none for all communes."),
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    content_types = forms.MultipleChoiceField(
        label=_("Content types"),
        choices=ItemKind.choices,
        required=False,
        help_text=_("Choose none for every type."),
        widget=forms.CheckboxSelectMultiple,
    )
    product_categories = forms.MultipleChoiceField(
        label=_("Product categories"),
        choices=Category.choices,
        required=False,
        help_text=_("For products. Choose none for every category."),
        widget=forms.CheckboxSelectMultiple,
    )
    guide_topics = forms.MultipleChoiceField(
        label=_("Village guide topics"),
        choices=Topic.choices,
        required=False,
        help_text=_("For guides. Choose none for every topic."),
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"),
        required=False,
        help_text=_("Choose none for both."),
        widget=forms.CheckboxSelectMultiple,
    )
    minimum_ocop_stars = forms.TypedChoiceField(
        label=_("Minimum OCOP stars"),
        choices=OCOP_STAR_CHOICES,
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Products rated below this are left out."),
    )
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=_max_length("keywords", Subscription),
        required=False,
        help_text=_("Words that must appear, for example “tea homestay”. Diacritics are optional."),
    )

    def __init__(self, data=None, *, places: PlaceIndex, initial: dict | None = None, **kwargs):
        initial = initial or {}
        super().__init__(data, initial=initial, **kwargs)
        province_choices, commune_groups = _place_choices(
            places,
            wanted_communes=initial.get("communes") or (),
            wanted_provinces=initial.get("provinces") or (),
        )
        self.fields["provinces"].choices = province_choices
        self.fields["communes"].choices = commune_groups
        names = dict(settings.LANGUAGES)
        self.fields["languages"].choices = [(code, names.get(code, code)) for code in LANGUAGES]
        known = set(Category.values) | set(Topic.values)
        other = sorted(set(initial.get("product_categories") or ()) - known)
        self.fields["product_categories"].choices = [*Category.choices, *((value, value) for value in other)]

    @staticmethod
    def initial_for(subscription: Subscription) -> dict:
        categories = set(subscription.categories or [])
        return {
            "name": subscription.name,
            "endpoint_url": subscription.endpoint_url,
            "provinces": list(subscription.provinces or []),
            "communes": list(subscription.communes or []),
            "content_types": list(subscription.content_types or []),
            # a category given through the API that the portal does not list stays choosable here
            "product_categories": sorted(categories - set(Topic.values)),
            "guide_topics": sorted(categories & set(Topic.values)),
            "languages": list(subscription.languages or []),
            "minimum_ocop_stars": subscription.minimum_ocop_stars,
            "keywords": subscription.keywords,
        }

    def service_fields(self) -> dict:
        """What the subscription services take (``create_subscription`` / ``update_subscription``)."""
        data = self.cleaned_data
        return {
            "name": data["name"],
            "endpoint_url": data["endpoint_url"],
            "provinces": data["provinces"],
            "communes": data["communes"],
            "content_types": data["content_types"],
            "categories": [*data["product_categories"], *data["guide_topics"]],
            "languages": data["languages"],
            "minimum_ocop_stars": data["minimum_ocop_stars"],
            "keywords": data["keywords"],
        }
