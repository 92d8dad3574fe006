"""The open-data rules the downloads (``/<lang>/indicators/data.csv|json``) and the partner API
(``/api/v1/indicators/values/``) share: the filters, one row's representation and the licence block.

Both read :func:`village.indicators.selectors.data_rows` through :class:`DataFilterForm` and write each row
with :func:`format_row`, so a download always equals the API, field by field.
"""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import IndicatorDefinition, Periodicity
from . import periods, selectors

#: a canonical id: digits that fit a 64-bit integer
ID_RE = re.compile(r"^[0-9]{1,18}$")
#: the largest id the database holds (a signed 64-bit integer); a larger one in a URL is not found
MAX_ID = 2**63 - 1
CODE_RE = re.compile(r"^[-a-zA-Z0-9_]{1,60}$")
#: at most this many communes or indicator codes in one question
MAX_ITEMS = 100
#: a longer query value is refused before it is read
MAX_VALUE_LENGTH = 2000


class ListField(forms.Field):
    """A list from a repeated parameter (``?commune=1&commune=2``) and/or commas (``?commune=1,2``)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value):
        if value in self.empty_values:
            return []
        if isinstance(value, str):
            value = [value]
        if sum(len(str(item)) for item in value) > MAX_VALUE_LENGTH:
            raise forms.ValidationError(_("This value is too long."), code="max_length")
        items = [part.strip() for item in value for part in str(item).split(",")]
        items = list(dict.fromkeys(item for item in items if item))
        if len(items) > MAX_ITEMS:
            raise forms.ValidationError(
                _("At most %(count)s values are allowed.") % {"count": MAX_ITEMS}, code="max_items"
            )
        return items


class DataFilterForm(forms.Form):
    """The query of an open-data request. ``cleaned_data`` → :meth:`data_rows_kwargs`."""

    province = forms.CharField(required=False, max_length=18, strip=True)
    commune = ListField(required=False)
    indicator = ListField(required=False)
    period_from = forms.CharField(required=False, max_length=7)
    period_to = forms.CharField(required=False, max_length=7)
    updated_since = forms.CharField(required=False, max_length=40)

    def __init__(self, data, *, language: str | None = None, **kwargs):
        super().__init__(data, **kwargs)
        self.language = language
        self._places = None

    def places(self):
        if self._places is None:
            self._places = selectors.places(self.language)
        return self._places

    def clean_province(self) -> int | None:
        raw = self.cleaned_data["province"]
        if not raw:
            return None
        if not ID_RE.match(raw):
            raise forms.ValidationError(_("A province id is a whole number."), code="invalid")
        province_id = int(raw)
        if province_id not in self.places()[0]:
            raise forms.ValidationError(_("There is no province with this id."), code="unknown")
        return province_id

    def clean_commune(self) -> list[int] | None:
        items = self.cleaned_data["commune"]
        if not items:
            return None
        bad = [item for item in items if not ID_RE.match(item)]
        if bad:
            raise forms.ValidationError(_("A commune id is a whole number."), code="invalid")
        ids = [int(item) for item in items]
        communes = self.places()[1]
        unknown = [str(commune_id) for commune_id in ids if commune_id not in communes]
        if unknown:
            raise forms.ValidationError(
                _("There is no commune with the id %(ids)s.") % {"ids": ", ".join(unknown)}, code="unknown"
            )
        return ids

    def clean_indicator(self) -> list[str] | None:
        codes = self.cleaned_data["indicator"]
        if not codes:
            return None
        if any(not CODE_RE.match(code) for code in codes):
            raise forms.ValidationError(_("An indicator code is letters, digits, - and _."), code="invalid")
        known = set(
            IndicatorDefinition.objects.filter(is_active=True, code__in=codes).values_list("code", flat=True)
        )
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise forms.ValidationError(
                _("Unknown indicator: %(codes)s.") % {"codes": ", ".join(unknown)}, code="unknown"
            )
        return codes

    def _period(self, name: str) -> date | None:
        raw = self.cleaned_data[name]
        if not raw:
            return None
        start = periods.parse_period(raw)
        if start is None:
            raise forms.ValidationError(
                _("A period is a month like 2026-03 or a quarter like 2026-Q1."), code="invalid"
            )
        return start

    def clean_period_from(self) -> date | None:
        return self._period("period_from")

    def clean_period_to(self) -> date | None:
        """The last day of the period: ``2026-Q1`` and ``2026-03`` both reach to 31 March."""
        start = self._period("period_to")
        if start is None:
            return None
        step = Periodicity.QUARTERLY if "Q" in self.cleaned_data["period_to"].upper() else Periodicity.MONTHLY
        return periods.period_end(start, step) - timedelta(days=1)

    def clean_updated_since(self) -> datetime | None:
        raw = self.cleaned_data["updated_since"]
        if not raw:
            return None
        try:
            moment = datetime.fromisoformat(raw.replace(" ", "+"))  # a "+" unescaped in a URL is a space
        except ValueError as error:
            raise forms.ValidationError(
                _("Give a date and time in ISO 8601, e.g. 2026-03-01T00:00:00Z."), code="invalid"
            ) from error
        invalid = forms.ValidationError(
            _("Give a date and time between the years %(first)s and %(last)s.")
            % {"first": periods.FIRST_YEAR, "last": periods.LAST_YEAR},
            code="invalid",
        )
        if not periods.FIRST_YEAR <= moment.year <= periods.LAST_YEAR:
            raise invalid
        try:
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
            moment.astimezone(UTC)  # what the database compares: it must exist
        except (OverflowError, ValueError) as error:
            raise invalid from error
        return moment

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("period_from"), cleaned.get("period_to")
        if start is not None and end is not None and start > end:
            self.add_error("period_to", _("The end of the period is before its start."))
        return cleaned

    def data_rows_kwargs(self) -> dict:
        cleaned = self.cleaned_data
        return {
            "language": self.language,
            "province_id": cleaned["province"],
            "commune_ids": cleaned["commune"],
            "codes": cleaned["indicator"],
            "period_from": cleaned["period_from"],
            "period_to": cleaned["period_to"],
            "updated_since": cleaned["updated_since"],
        }

    def scope(self) -> str:
        """For file names: ``province-12``, ``commune-34``, ``communes`` or ``all``."""
        communes = self.cleaned_data.get("commune") or []
        if len(communes) == 1:
            return f"commune-{communes[0]}"
        if communes:
            return "communes"
        if self.cleaned_data.get("province"):
            return f"province-{self.cleaned_data['province']}"
        return "all"

    def error_messages(self) -> dict[str, list[str]]:
        return {name: [str(message) for message in messages] for name, messages in self.errors.items()}


# --- one row, one representation ----------------------------------------------------------------------


def format_decimal(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def format_datetime(value: datetime | None) -> str | None:
    """UTC, to the second: ``2026-03-05T08:30:00Z``."""
    if value is None:
        return None
    return value.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def format_row(row: dict) -> dict:
    """One ``data_rows`` row as JSON and the API give it (decimals as strings "12.50", ISO dates)."""
    return {
        "province_id": row["province_id"],
        "province": row["province"],
        "commune_id": row["commune_id"],
        "commune": row["commune"],
        "indicator": row["indicator"],
        "indicator_name": row["indicator_name"],
        "unit": row["unit"],
        "source": row["source"],
        "period": row["period"],
        "period_start": row["period_start"].isoformat(),
        "value": format_decimal(row["value"]),
        "target": format_decimal(row["target"]),
        "updated_at": format_datetime(row["updated_at"]),
    }


def csv_cells(row: dict) -> list[str]:
    """The same row as CSV cells: the JSON values, ``null`` as an empty cell."""
    formatted = format_row(row)
    return ["" if formatted[name] is None else str(formatted[name]) for name in selectors.DATA_FIELDS]


def licence_block(rows: list[dict]) -> dict:
    """What every open-data answer carries: the licence, the attribution line and the freshest value."""
    return {
        "licence": settings.OPEN_DATA_LICENCE,
        "licence_url": settings.OPEN_DATA_LICENCE_URL,
        "attribution": _("Source: %(platform)s (commune offices and platform data), %(licence)s")
        % {"platform": settings.API_PLATFORM_NAME, "licence": settings.OPEN_DATA_LICENCE},
        "last_updated": format_datetime(selectors.last_updated(rows)),
    }
