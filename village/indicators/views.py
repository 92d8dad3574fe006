"""The public dashboards: the platform overview, a province's comparison and a commune's indicators.

Ids are the Vietnamese pages' ids, the same under /vi/ and /en/; titles follow the visitor's language.
Each page runs a constant number of queries whatever the number of communes.
"""

from django import forms
from django.conf import settings
from django.http import Http404
from django.shortcuts import render
from django.utils.text import capfirst
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from ..models import CommunePage
from . import dashboards, periods, selectors
from .charts import ranking_chart, trend_chart


def _language() -> str:
    return (get_language() or "vi")[:2]


@require_GET
def overview(request):
    language = _language()
    headline, provinces = dashboards.overview(language)
    return render(
        request,
        "village/indicators/overview.html",
        {
            "headline": headline,
            "provinces": provinces,
            "last_updated": selectors.values_last_updated(),
        },
    )


class IndicatorChoiceForm(forms.Form):
    indicator = forms.ChoiceField(label=gettext_lazy("Indicator"))

    def __init__(self, definitions, language, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["indicator"].choices = [(d.code, d.name(language)) for d in definitions]


@require_GET
def province(request, province_id):
    language = _language()
    provinces, communes = selectors.places(language)
    place = provinces.get(province_id)
    if place is None:
        raise Http404
    definitions = selectors.active_definitions()
    if not definitions:
        raise Http404
    by_code = {definition.code: definition for definition in definitions}
    status = 200
    if "indicator" in request.GET:
        form = IndicatorChoiceForm(definitions, language, request.GET)
        if form.is_valid():
            definition = by_code[form.cleaned_data["indicator"]]
        else:
            status = 400
            definition = definitions[0]
    else:
        definition = definitions[0]
        form = IndicatorChoiceForm(definitions, language, initial={"indicator": definition.code})
    members = [commune for commune in communes.values() if commune.province_id == province_id]
    ranking = dashboards.province_ranking(definition, members)
    name = definition.name(language)
    unit = dashboards.unit_suffix(definition)
    # the target of the newest period shown (the current one when no commune has a value)
    newest = max(
        (row.period_start for row in ranking if row.period_start is not None),
        default=periods.current_period(definition.periodicity),
    )
    target = selectors.target_for(definition, newest)
    with_value = [row for row in ranking if row.value is not None]
    description = _(
        "%(count)s of %(total)s communes of %(province)s have a value; best first. %(direction)s."
    ) % {
        "count": len(with_value),
        "total": len(ranking),
        "province": place.title,
        "direction": capfirst(definition.get_direction_display()),
    }
    chart = ranking_chart(
        [(row.place.title, row.value) for row in ranking],
        chart_id=f"ranking-{definition.code}",
        title=_("%(indicator)s: latest value by commune") % {"indicator": name},
        description=description,
        unit=unit if unit == "%" else "",
        target=target.value if target is not None else None,
        target_label=_("Target %(year)s") % {"year": target.year} if target is not None else "",
    )
    return render(
        request,
        "village/indicators/province.html",
        {
            "place": place,
            "form": form,
            "definition": definition,
            "indicator_name": name,
            "method": definition.method(language),
            "ranking": ranking,
            "chart": chart,
            "chart_description": description,
            "target": target,
            "target_text": dashboards.value_text(definition, target.value) if target else "",
            "communes": sorted(members, key=lambda c: c.title),
            "download_query": f"?province={place.id}",
        },
        status=status,
    )


@require_GET
def commune(request, commune_id):
    language = _language()
    provinces, communes = selectors.places(language)
    place = communes.get(commune_id)
    if place is None:
        raise Http404
    pages = {
        page.locale.language_code: page
        for page in CommunePage.objects.live()
        .filter(translation_key=CommunePage.objects.filter(pk=commune_id).values("translation_key")[:1])
        .select_related("locale")
    }
    page = pages.get(language) or pages.get(settings.LANGUAGE_CODE)
    rows = dashboards.commune_rows(commune_id, language)
    for row in rows:
        latest = _("latest value %(value)s (%(period)s)") % {
            "value": row.value_text,
            "period": row.period_label,
        }
        row.chart = trend_chart(
            row.chart_series,
            chart_id=f"trend-{row.code}",
            title=_("%(indicator)s in %(commune)s") % {"indicator": row.name, "commune": place.title},
            description=(
                _("One bar per period, the last %(count)s periods; %(latest)s.")
                % {"count": len(row.series), "latest": latest if row.value is not None else _("no value yet")}
            ),
            unit=row.unit if row.unit == "%" else "",  # a longer unit is in the title and the table
            target=row.target,
            target_label=_("Target %(year)s") % {"year": row.target_year} if row.target_year else "",
        )
    return render(
        request,
        "village/indicators/commune.html",
        {
            "place": place,
            "province": provinces.get(place.province_id),
            "commune_page": page,
            "rows": rows,
            "download_query": f"?commune={place.id}",
        },
    )
