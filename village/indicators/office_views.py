"""The commune office's entry pages: pick a commune and a period, enter or correct manual indicators.

Only the commune's office (editor, moderator, digital team) or a platform admin gets in; a visitor who
is not signed in is sent to the sign-in page. One form saves every changed row of the period at once:
when one row is refused, none is saved and the form comes back with the typed values and the reasons.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from ..exceptions import VillageError, VillageErrorCode
from ..models import IndicatorSource, IndicatorValue, IndicatorValueChange, Periodicity
from . import periods, selectors, services
from .data_filters import MAX_ID
from .forms import IndicatorEntryForm

PICKER_MONTHS = 12


class _RolledBack(Exception):
    """Raised inside the form's transaction when a row was refused, so no row is kept."""


def _not_in_office(request):
    return render(request, "village/indicators/office.html", {"communes": [], "not_member": True}, status=403)


def _commune_titles(commune_ids) -> dict[int, str]:
    _provinces, communes = selectors.places(get_language())
    return {cid: communes[cid].title for cid in commune_ids if cid in communes}


@login_required
@never_cache
def office_home(request):
    allowed = services.recordable_commune_ids(request.user)
    rows = services.canonical_communes()
    if allowed is not None:
        rows = rows.filter(pk__in=allowed)
    rows = list(rows.order_by("title").values_list("pk", "title"))
    if not rows:
        return _not_in_office(request)
    titles = _commune_titles([pk for pk, _title in rows])
    communes = sorted(
        ({"id": pk, "title": titles.get(pk, title)} for pk, title in rows), key=lambda row: row["title"]
    )
    return render(request, "village/indicators/office.html", {"communes": communes, "not_member": False})


def _chosen_month(request) -> tuple[date | None, str]:
    """The month asked for (default: this month) and an error text when it cannot be used."""
    current = periods.current_period(Periodicity.MONTHLY)
    text = (request.GET.get("period") or "").strip()
    if not text:
        return current, ""
    start = periods.parse_period(text)
    if start is None:  # not a month, or outside the years periods.parse_period accepts
        return None, _("Choose a month from the list.")
    if start > current:
        return None, _("A period in the future cannot have a value.")
    return start, ""


def _month_option(month: date) -> dict:
    return {
        "code": periods.period_code(month, Periodicity.MONTHLY),
        "label": periods.period_label(month, Periodicity.MONTHLY),
    }


def _picker(chosen: date | None) -> list[dict]:
    """The last twelve months, newest first (and an older month asked for by its address)."""
    options = [_month_option(m) for m in reversed(periods.last_periods(Periodicity.MONTHLY, PICKER_MONTHS))]
    if chosen is not None and _month_option(chosen) not in options:
        options.append(_month_option(chosen))
    return options


def _values_for(commune, definitions, month: date) -> dict[int, IndicatorValue]:
    """The commune's stored value of each indicator for the period holding ``month``."""
    starts = {
        definition.pk: periods.period_start(month, definition.periodicity) for definition in definitions
    }
    rows = (
        IndicatorValue.objects.filter(
            commune=commune, indicator_id__in=starts, period_start__in=set(starts.values())
        )
        .select_related("entered_by")
        .prefetch_related(
            Prefetch("changes", queryset=IndicatorValueChange.objects.select_related("changed_by"))
        )
    )
    return {row.indicator_id: row for row in rows if row.period_start == starts[row.indicator_id]}


@never_cache
def office_commune(request, commune_id):
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    if not 0 < commune_id <= MAX_ID:  # a larger id overflows the database's integer: not found
        raise Http404
    commune = services.canonical_communes().filter(pk=commune_id).first()
    if commune is None:
        raise Http404
    if not services.may_record(request.user, commune.pk):
        return _not_in_office(request)
    language = get_language()
    title = _commune_titles([commune.pk]).get(commune.pk, commune.title)
    month, period_error = _chosen_month(request)
    context = {
        "commune_id": commune.pk,
        "commune_title": title,
        "picker": _picker(month),
        "month_code": periods.period_code(month, Periodicity.MONTHLY) if month else "",
        "period_error": period_error,
        "rows": [],
        "computed": [],
        "has_errors": False,
    }
    if month is None:
        return render(request, "village/indicators/office_commune.html", context, status=400)

    definitions = selectors.active_definitions()
    manual = [d for d in definitions if d.source == IndicatorSource.MANUAL]
    computed = [d for d in definitions if d.source == IndicatorSource.COMPUTED]
    current = _values_for(commune, definitions, month)
    data = request.POST if request.method == "POST" else None
    forms_by_code = {d.code: IndicatorEntryForm(data, indicator=d, current=current.get(d.pk)) for d in manual}

    if request.method == "POST":
        saved = _save(request, commune, month, forms_by_code.values())
        if saved is not None:
            if saved:
                messages.success(
                    request,
                    ngettext("Saved %(count)d value.", "Saved %(count)d values.", saved) % {"count": saved},
                )
            else:
                messages.info(request, _("Nothing changed."))
            url = reverse("indicators:office_commune", args=[commune.pk])
            return redirect(f"{url}?period={context['month_code']}")
        context["has_errors"] = True

    for definition in manual:
        start = periods.period_start(month, definition.periodicity)
        value = current.get(definition.pk)
        context["rows"].append(
            {
                "definition": definition,
                "name": definition.name(language),
                "method": definition.method(language),
                "period_label": periods.period_label(start, definition.periodicity),
                "target": selectors.target_for(definition, start),
                "value": value,
                "changes": list(value.changes.all()) if value is not None else [],
                "form": forms_by_code[definition.code],
            }
        )
    for definition in computed:
        start = periods.period_start(month, definition.periodicity)
        context["computed"].append(
            {
                "definition": definition,
                "name": definition.name(language),
                "method": definition.method(language),
                "period_label": periods.period_label(start, definition.periodicity),
                "target": selectors.target_for(definition, start),
                "value": current.get(definition.pk),
            }
        )
    status = 400 if context["has_errors"] else 200
    return render(request, "village/indicators/office_commune.html", context, status=status)


def _save(request, commune, month: date, forms) -> int | None:
    """Save every changed row in one transaction; the number saved, or None when a row was refused."""
    forms = list(forms)
    valid = [form.is_valid() for form in forms]  # every form, so every form shows its errors
    if not all(valid):
        return None
    changed = [form for form in forms if form.is_change]
    refused = False
    try:
        with transaction.atomic():
            for form in changed:
                try:
                    services.record_value(
                        user=request.user,
                        commune=commune,
                        indicator=form.indicator,
                        period_start=periods.period_start(month, form.indicator.periodicity),
                        value=form.cleaned_data["value"],
                        evidence=form.cleaned_data["evidence"],
                    )
                except VillageError as error:
                    field = "evidence" if error.code == VillageErrorCode.EVIDENCE_REQUIRED else "value"
                    form.add_error(field, error.message)
                    refused = True
            if refused:
                raise _RolledBack
    except _RolledBack:
        return None
    return len(changed)
