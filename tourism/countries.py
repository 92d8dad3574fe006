"""Names of the visitors' countries for the commune office's statistics (ISO 3166-1 alpha-2 codes).

A small list of the countries tourists in the highlands and the Red River delta mostly come from; any
other code is shown as the code itself (``django-countries`` is not a dependency).
"""

from django.utils.translation import gettext_lazy as _

UNKNOWN_COUNTRY = "??"

COUNTRY_NAMES = {
    "VN": _("Vietnam"),
    "GB": _("United Kingdom"),
    "FR": _("France"),
    "DE": _("Germany"),
    "NL": _("Netherlands"),
    "BE": _("Belgium"),
    "CH": _("Switzerland"),
    "IT": _("Italy"),
    "ES": _("Spain"),
    "SE": _("Sweden"),
    "DK": _("Denmark"),
    "NO": _("Norway"),
    "PL": _("Poland"),
    "CZ": _("Czechia"),
    "RU": _("Russia"),
    "IE": _("Ireland"),
    "US": _("United States"),
    "CA": _("Canada"),
    "AU": _("Australia"),
    "NZ": _("New Zealand"),
    "JP": _("Japan"),
    "KR": _("South Korea"),
    "CN": _("China"),
    "TW": _("Taiwan"),
    "SG": _("Singapore"),
    "MY": _("Malaysia"),
    "TH": _("Thailand"),
    "LA": _("Laos"),
    "KH": _("Cambodia"),
    "IN": _("India"),
    "IL": _("Israel"),
}


def country_name(code: str) -> str:
    """``"GB"`` → "United Kingdom" (translated); an unknown code stays as it is; none → "Unknown"."""
    code = (code or "").strip().upper()
    if not code or code == UNKNOWN_COUNTRY:
        return str(_("Unknown"))
    return str(COUNTRY_NAMES.get(code, code))
