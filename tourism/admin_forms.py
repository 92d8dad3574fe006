"""Forms of the commune office's tourism screens in the Wagtail admin (``tourism.admin_views``).

They check the shape of what is posted; the rules (a rejection needs a reason, hiding a review needs a
note, who may decide) are the services' and come back as errors placed on these fields.
"""

from operator import attrgetter

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms

from .exceptions import TourismError

FIRST_YEAR, LAST_YEAR = 2000, 2100


class DecisionForm(core_forms.ModerationDecisionForm):
    """Approve a host or a listing, or reject it with a reason the host reads."""

    reason_help_text = _("Required to reject: the host reads it and fixes the listing.")


class ReviewModerationForm(forms.Form):
    """Hide a review (saying why) or show it again."""

    action = forms.ChoiceField(choices=[("hide", _("Hide")), ("show", _("Show"))])
    note = forms.CharField(
        label=_("Why is it hidden?"),
        required=False,
        max_length=300,
        help_text=_("Required to hide a review; kept with the review for the commune's records."),
    )


class StatisticsFilterForm(forms.Form):
    """Which commune and year the "smart tourism" figures are for (both optional: defaults apply)."""

    commune = forms.IntegerField(label=_("Commune"), required=False, min_value=1)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=FIRST_YEAR, max_value=LAST_YEAR)


def apply_service_error(
    form: forms.Form, error: ValidationError | TourismError, *, field_map: dict[str, str]
) -> None:
    """Put a service's ``ValidationError`` or ``TourismError`` on the form field it is about, or on top
    (``core.forms.apply_service_error``); the moderator reads the service's own words."""
    core_forms.apply_service_error(
        form, error, domain_error=TourismError, message=attrgetter("message"), field_map=field_map
    )
