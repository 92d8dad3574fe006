"""Forms of the platform admin's "Partners" screens in the Wagtail admin (``api.admin_views``).

They check the shape of what is posted; the rules (which scopes exist, from which status a partner may be
suspended or reinstated…) are the services' (``api.services.partners``) and come back as errors placed on
these fields.
"""

from operator import attrgetter

from django import forms
from django.utils.translation import gettext_lazy as _

from core import forms as core_forms

from .exceptions import ApiServiceError
from .models import Partner, PartnerStatus, Scope, Tier


class EmptyForm(forms.Form):
    """A button with nothing to type."""


class TermsForm(forms.Form):
    """Approve a partner, or change an approved partner's terms: tier (quotas), scopes, licence terms."""

    tier = forms.ChoiceField(label=_("Tier"), choices=Tier.choices, help_text=_("Sets the partner's quotas."))
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"),
        choices=Scope.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("What the partner's keys may do."),
    )
    licence_terms = forms.CharField(
        label=_("Licence terms"),
        required=False,
        max_length=Partner._meta.get_field("licence_terms").max_length,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("What the partner agrees to: attribution, no resale, link back… The partner reads it."),
    )

    @staticmethod
    def initial_for(partner: Partner) -> dict:
        return {
            "tier": partner.tier,
            "scopes": list(partner.scopes or []),
            "licence_terms": partner.licence_terms,
        }


class ReasonForm(forms.Form):
    """Reject or suspend a partner, saying why (the partner reads it on its dashboard)."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=Partner._meta.get_field("status_reason").max_length,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The partner reads it on its dashboard."),
    )


class StatusFilterForm(forms.Form):
    """Which partners the list shows (all when empty)."""

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("All")), *PartnerStatus.choices], required=False
    )


def apply_service_error(form: forms.Form, error: ApiServiceError) -> None:
    """Put a refused service call on the field it is about, or on top of the form."""
    core_forms.apply_service_error(form, error, domain_error=ApiServiceError, message=attrgetter("message"))
