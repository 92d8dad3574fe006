"""Form helpers every app's forms share (presentation-level only, no domain rules)."""

import re
from collections.abc import Callable

from django import forms
from django.core.exceptions import ValidationError
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

MAXIMUM_VND = 1_000_000_000  # a billion đồng: more than any price or fee typed on these pages


class QuickSelect(forms.Select):
    """A flat ``<select>`` written in Python, one ``format_html`` per option — Django's widget renders a
    template per option, which a list of hundreds of communes turns into most of a page's time. Same
    markup: the attributes (id, required, aria-*) and the selected option."""

    def render(self, name, value, attrs=None, renderer=None):
        final_attrs = self.build_attrs(self.attrs, attrs)
        selected = set(self.format_value(value))
        values = ["" if option_value is None else str(option_value) for option_value, _label in self.choices]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option_value, mark_safe(" selected") if option_value in selected else "", label)
                for option_value, (_value, label) in zip(values, self.choices, strict=True)
            ),
        )
        return format_html('<select name="{}"{}>{}</select>', name, flatatt(final_attrs), options)


class AccessibleFormMixin:
    """Link every field to its help text and error message (``aria-describedby``, ``aria-invalid``)."""

    def _describe(self) -> None:
        for name, field in self.fields.items():
            bound = self[name]
            described = []
            if field.help_text:
                described.append(f"{bound.auto_id}-help")
            if name in (self._errors or {}):
                described.append(f"{bound.auto_id}-error")
                field.widget.attrs["aria-invalid"] = "true"
            else:
                field.widget.attrs.pop("aria-invalid", None)
            if described:
                field.widget.attrs["aria-describedby"] = " ".join(described)
            else:
                field.widget.attrs.pop("aria-describedby", None)
        self._bound_fields_cache.clear()  # a label or choice set later must still show

    def full_clean(self):
        super().full_clean()
        self._describe()

    def error_links(self) -> list[dict]:
        """The error summary: one entry per message, linking to the field at fault."""
        links = [{"href": "", "message": message} for message in self.non_field_errors()]
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            bound = self[name]
            anchor = bound.auto_id if not bound.field.widget.use_fieldset else f"{bound.auto_id}_0"
            for message in errors:
                links.append({"href": f"#{anchor}", "message": f"{bound.label}: {message}"})
        return links


class AccessibleForm(AccessibleFormMixin, forms.Form):
    """A form of the villagers' own areas (shop, host): every field linked to its help text and error."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._describe()


def apply_service_error(
    form: forms.Form,
    error: Exception,
    *,
    domain_error: type[Exception],
    message: Callable[[Exception], str],
    field_map: dict[str, str] | None = None,
) -> None:
    """Put a refused service call on ``form``: on the named field when the form has it, otherwise at the top
    of the form (prefixed with the field's name).

    ``error`` is the domain's own error (``domain_error``, with ``code``, ``message`` and ``field``; the
    visitor reads ``message(error)``) or a ``ValidationError``. ``field_map`` renames a service's field
    to the form's.
    """
    field_map = field_map or {}
    if isinstance(error, domain_error):
        name = field_map.get(error.field, error.field) if error.field else None
        form.add_error(name if name in form.fields else None, message(error))
        return
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for field, messages in error.message_dict.items():
        name = field_map.get(field, field)
        if name in form.fields:
            form.add_error(name, messages)
        else:
            prefix = "" if field == "__all__" else f"{field.replace('_', ' ')}: "
            form.add_error(None, [f"{prefix}{text}" for text in messages])


# --- fields -------------------------------------------------------------------------------------------


class VndField(forms.Field):
    """An amount in Vietnamese đồng: a whole number, never negative, never a fraction.

    Accepts ``350000`` and the way Vietnamese write it, ``350.000`` (dots or commas grouping
    thousands); refuses ``-5000`` and ``1500.5`` with a message that says why.
    """

    default_error_messages = {
        "invalid": _("Write the amount in đồng with digits only, for example 350000."),
        "negative": _("The amount cannot be negative."),
        "fraction": _("Đồng have no decimals: write a whole number, for example 350000."),
        "min_value": _("The amount must be at least %(limit)s ₫."),
        "max_value": _("The amount must be at most %(limit)s ₫."),
    }

    def __init__(self, *, min_value: int = 0, max_value: int = MAXIMUM_VND, **kwargs):
        self.min_value, self.max_value = min_value, max_value
        kwargs.setdefault(
            "widget", forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "size": 12})
        )
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        text = str(value)[:40]
        text = re.sub(r"[\s\u00a0]", "", text).removesuffix("₫").removesuffix("đ").removesuffix("VND")
        if not text:
            return None
        if text.startswith("-"):
            raise ValidationError(self.error_messages["negative"], code="negative")
        if re.fullmatch(r"\d+", text):
            amount = int(text)
        elif re.fullmatch(r"\d{1,3}([.,]\d{3})+", text):
            amount = int(re.sub(r"[.,]", "", text))
        elif re.fullmatch(r"[\d.,]*\d", text):
            raise ValidationError(self.error_messages["fraction"], code="fraction")
        else:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        if amount < self.min_value:
            raise ValidationError(
                self.error_messages["min_value"], code="min_value", params={"limit": self.min_value}
            )
        if amount > self.max_value:
            raise ValidationError(
                self.error_messages["max_value"], code="max_value", params={"limit": self.max_value}
            )
        return amount


def date_input() -> forms.DateInput:
    """The phone's own date picker (``<input type="date">``), no JavaScript."""
    return forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BankAccountFormMixin:
    """The bank account a household is paid to by transfer (VietQR): given whole, or not at all.

    The form declares ``bank_bin``, ``bank_account_number`` and ``bank_account_name`` (with its own words
    for who pays) and calls :meth:`require_whole_bank_account` from its ``clean``.
    """

    BANK_FIELDS = ("bank_bin", "bank_account_number", "bank_account_name")

    def clean_bank_account_name(self):
        return self.cleaned_data["bank_account_name"].strip().upper()

    def require_whole_bank_account(self, cleaned: dict) -> None:
        """Flag each missing field of a half-given bank account."""
        given = [name for name in self.BANK_FIELDS if cleaned.get(name)]
        if given and len(given) < len(self.BANK_FIELDS):
            for name in self.BANK_FIELDS:
                if not cleaned.get(name) and name not in self.errors:
                    self.add_error(name, _("Fill in the bank, the account number and the account name."))


class ModerationDecisionForm(forms.Form):
    """A commune moderator approves, or rejects with a reason the owner reads (``reason_help_text`` says
    who reads it)."""

    reason_help_text = ""

    decision = forms.ChoiceField(choices=[("approve", _("Approve")), ("reject", _("Reject"))])
    reason = forms.CharField(
        label=_("Reason for rejection"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = self.reason_help_text
