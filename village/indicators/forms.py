"""The commune office's entry form: one small form per manual indicator, for one period."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from ..exceptions import VillageError
from ..models import IndicatorDefinition, IndicatorValue
from . import services


class IndicatorEntryForm(forms.Form):
    """The value and the evidence of one manual indicator; prefixed with the indicator's code."""

    value = forms.CharField(label=_("Value"), required=False, max_length=32)
    evidence = forms.CharField(
        label=_("Evidence (where the figure comes from)"),
        help_text=_(
            "Published with the figure on the commune's dashboard: name the report or document, never a "
            "villager's name or phone number."
        ),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, indicator: IndicatorDefinition, current: IndicatorValue | None, **kwargs):
        self.indicator = indicator
        self.current = current
        initial = {}
        if current is not None:
            initial = {"value": _plain(current.value), "evidence": current.evidence}
        super().__init__(*args, prefix=f"i-{indicator.code}", initial=initial, **kwargs)
        self.fields["value"].widget.attrs.update({"inputmode": "decimal", "autocomplete": "off"})

    def add_error(self, field, error):
        super().add_error(field, error)
        if field in self.fields:  # screen readers announce the field as wrong, with the reason
            self.fields[field].widget.attrs.update(
                {"aria-invalid": "true", "aria-describedby": f"{self[field].auto_id}-error"}
            )

    def clean(self):
        cleaned = super().clean()
        raw, evidence = (cleaned.get("value") or "").strip(), (cleaned.get("evidence") or "").strip()
        cleaned["evidence"] = evidence
        if not raw:
            if self.current is not None:
                self.add_error("value", _("A value cannot be removed; enter the corrected figure."))
            elif evidence:
                self.add_error("value", _("Enter the value this evidence is for."))
            cleaned["value"] = None
            return cleaned
        try:
            cleaned["value"] = services.clean_value(self.indicator, raw)
        except VillageError as error:
            self.add_error("value", error.message)
            return cleaned
        if not evidence and self.is_change_of(cleaned["value"], evidence):
            self.add_error("evidence", _("Say where the figure comes from (the evidence)."))
        return cleaned

    def is_change_of(self, value: Decimal | None, evidence: str) -> bool:
        if value is None:
            return False
        if self.current is None:
            return True
        return value != self.current.value or evidence != self.current.evidence

    @property
    def is_change(self) -> bool:
        """Whether the valid form enters a new value or corrects the current one."""
        return self.is_change_of(self.cleaned_data.get("value"), self.cleaned_data.get("evidence", ""))


def _plain(value: Decimal) -> str:
    """85.50 → "85.5", 12.00 → "12" (what a person would type)."""
    text = format(value, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text
