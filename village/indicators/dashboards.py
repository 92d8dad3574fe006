"""What the public dashboards show: a commune's indicators, a province's ranking, the platform overview.

Built on :mod:`.selectors`. Every function here runs a constant number of queries whatever the number
of communes: the values are fetched in one query per page and grouped in Python.
"""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from statistics import median

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import IndicatorDefinition, IndicatorDirection, IndicatorSource, IndicatorUnit, IndicatorValue
from . import periods, selectors
from .charts import format_number
from .selectors import Place, Status

#: how many periods a commune's trend shows
SERIES_LENGTH = {"monthly": 12, "quarterly": 8}
#: the indicators the overview summarises per province (the first active ones when these are missing)
HEADLINE_CODES = ("eid_level2_adults", "households_epayment", "online_dossiers")

STATUS_LABELS = {
    Status.MET: gettext_lazy("Target met"),
    Status.NEAR: gettext_lazy("Close to the target"),
    Status.BEHIND: gettext_lazy("Behind the target"),
    Status.NO_TARGET: gettext_lazy("No target"),
    Status.NO_VALUE: gettext_lazy("No value yet"),
}
#: a shape beside the colour, so the light never depends on colour alone
STATUS_ICONS = {
    Status.MET: "✓",
    Status.NEAR: "◐",
    Status.BEHIND: "✗",
    Status.NO_TARGET: "○",
    Status.NO_VALUE: "–",
}


def unit_suffix(definition: IndicatorDefinition) -> str:
    """What follows a value: "%" for a percentage, "per 100 households", nothing for a count."""
    if definition.unit == IndicatorUnit.PERCENT:
        return "%"
    if definition.unit == IndicatorUnit.PER_100_HOUSEHOLDS:
        return " " + _("per 100 households")
    return ""


def value_text(definition: IndicatorDefinition, value: Decimal | None) -> str:
    return "" if value is None else format_number(value) + unit_suffix(definition)


@dataclass
class Light:
    status: str

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self.status])

    @property
    def icon(self) -> str:
        return STATUS_ICONS[self.status]


@dataclass
class SeriesPoint:
    period_start: date
    label: str
    value: Decimal | None
    value_text: str
    target_text: str


@dataclass
class CommuneRow:
    definition: IndicatorDefinition
    name: str
    unit: str
    value: Decimal | None
    value_text: str
    period_label: str
    previous: Decimal | None
    previous_text: str
    previous_period_label: str
    delta: Decimal | None
    delta_text: str
    target: Decimal | None
    target_text: str
    target_year: int | None
    light: Light
    series: list[SeriesPoint] = field(default_factory=list)
    method: str = ""
    source_text: str = ""
    evidence: str = ""
    computed_at: object = None

    @property
    def code(self) -> str:
        return self.definition.code

    @property
    def chart_series(self) -> list[tuple[str, Decimal | None]]:
        return [(point.label, point.value) for point in self.series]


def _signed(definition: IndicatorDefinition, delta: Decimal | None) -> str:
    if delta is None:
        return ""
    sign = "+" if delta > 0 else ("−" if delta < 0 else "±")
    if definition.unit == IndicatorUnit.PERCENT:
        return _("%(change)s percentage points") % {"change": sign + format_number(abs(delta))}
    return sign + value_text(definition, abs(delta))


def commune_rows(commune_id: int, language: str, *, on: date | None = None) -> list[CommuneRow]:
    """Each active indicator for one commune: latest value, previous value, target, light and trend.

    Three queries (definitions, targets, values).
    """
    definitions = selectors.active_definitions()
    by_indicator: dict[int, list[dict]] = {}
    values = (
        IndicatorValue.objects.filter(commune_id=commune_id, indicator__is_active=True)
        .order_by("indicator_id", "period_start")
        .values("indicator_id", "period_start", "value", "evidence", "computed_at")
    )
    for row in values:
        by_indicator.setdefault(row["indicator_id"], []).append(row)
    rows = []
    for definition in definitions:
        history = by_indicator.get(definition.pk, [])
        latest = history[-1] if history else None
        previous = history[-2] if len(history) > 1 else None
        value = latest["value"] if latest else None
        target = selectors.target_for(definition, latest["period_start"]) if latest else None
        if target is None and latest is None:
            target = selectors.target_for(definition, periods.current_period(definition.periodicity, on=on))
        target_value = target.value if target is not None else None
        delta = value - previous["value"] if latest and previous else None
        by_start = {row["period_start"]: row["value"] for row in history}
        series = []
        for start in periods.last_periods(
            definition.periodicity, SERIES_LENGTH.get(definition.periodicity, 12), on=on
        ):
            point_target = selectors.target_for(definition, start)
            series.append(
                SeriesPoint(
                    period_start=start,
                    label=periods.period_label(start, definition.periodicity),
                    value=by_start.get(start),
                    value_text=value_text(definition, by_start.get(start)),
                    target_text=value_text(definition, point_target.value if point_target else None),
                )
            )
        if definition.source == IndicatorSource.MANUAL:
            source_text = _("Entered by the commune office")
        else:
            source_text = _("Computed by the platform")
        rows.append(
            CommuneRow(
                definition=definition,
                name=definition.name(language),
                unit=unit_suffix(definition),
                value=value,
                value_text=value_text(definition, value),
                period_label=periods.period_label(latest["period_start"], definition.periodicity)
                if latest
                else "",
                previous=previous["value"] if previous else None,
                previous_text=value_text(definition, previous["value"]) if previous else "",
                previous_period_label=periods.period_label(previous["period_start"], definition.periodicity)
                if previous
                else "",
                delta=delta,
                delta_text=_signed(definition, delta),
                target=target_value,
                target_text=value_text(definition, target_value),
                target_year=target.year if target is not None else None,
                light=Light(selectors.status_of(definition, value, target_value)),
                series=series,
                method=definition.method(language),
                source_text=source_text,
                evidence=(
                    latest["evidence"] if latest and definition.source == IndicatorSource.MANUAL else ""
                ),
                computed_at=latest["computed_at"] if latest else None,
            )
        )
    return rows


# --- latest values in bulk -----------------------------------------------------------------------------


def latest_values(definition_ids, commune_ids) -> dict[tuple[int, int], dict]:
    """(indicator id, commune id) → the latest value row, for many communes in ONE query."""
    commune_ids = list(commune_ids)
    if not commune_ids or not definition_ids:
        return {}
    newest = (
        IndicatorValue.objects.filter(
            indicator_id=OuterRef("indicator_id"), commune_id=OuterRef("commune_id")
        )
        .order_by("-period_start")
        .values("period_start")[:1]
    )
    rows = IndicatorValue.objects.filter(
        indicator_id__in=list(definition_ids), commune_id__in=commune_ids, period_start=Subquery(newest)
    ).values("indicator_id", "commune_id", "period_start", "value")
    return {(row["indicator_id"], row["commune_id"]): row for row in rows}


# --- province comparison -------------------------------------------------------------------------------


@dataclass
class RankRow:
    rank: int | None
    place: Place
    period_start: date | None
    value: Decimal | None
    value_text: str
    period_label: str
    target_text: str
    light: Light


def province_ranking(definition: IndicatorDefinition, communes: list[Place]) -> list[RankRow]:
    """Every commune ranked by its latest value (best first, direction-aware); those without one last."""
    latest = latest_values([definition.pk], [commune.id for commune in communes])
    with_value, without = [], []
    for commune in communes:
        row = latest.get((definition.pk, commune.id))
        if row is None:
            without.append((commune, None))
        else:
            with_value.append((commune, row))
    descending = definition.direction != IndicatorDirection.LOWER_IS_BETTER
    with_value.sort(key=lambda item: item[0].title)
    with_value.sort(key=lambda item: item[1]["value"], reverse=descending)
    ranked = []
    previous_value, rank = None, 0
    for position, (commune, row) in enumerate(with_value, start=1):
        if row["value"] != previous_value:
            rank, previous_value = position, row["value"]
        target = selectors.target_for(definition, row["period_start"])
        target_value = target.value if target is not None else None
        ranked.append(
            RankRow(
                rank=rank,
                place=commune,
                period_start=row["period_start"],
                value=row["value"],
                value_text=value_text(definition, row["value"]),
                period_label=periods.period_label(row["period_start"], definition.periodicity),
                target_text=value_text(definition, target_value),
                light=Light(selectors.status_of(definition, row["value"], target_value)),
            )
        )
    for commune, _row in without:
        ranked.append(
            RankRow(
                rank=None,
                place=commune,
                period_start=None,
                value=None,
                value_text="",
                period_label="",
                target_text="",
                light=Light(Status.NO_VALUE),
            )
        )
    return ranked


# --- platform overview ---------------------------------------------------------------------------------


@dataclass
class Summary:
    definition: IndicatorDefinition
    name: str
    count: int
    median_text: str
    average_text: str


@dataclass
class ProvinceSummary:
    place: Place
    communes: list[Place]
    summaries: list[Summary]

    @property
    def commune_count(self) -> int:
        return len(self.communes)


def headline_definitions(definitions: list[IndicatorDefinition]) -> list[IndicatorDefinition]:
    chosen = [d for code in HEADLINE_CODES for d in definitions if d.code == code]
    return chosen or definitions[: len(HEADLINE_CODES)]


def overview(language: str) -> tuple[list[IndicatorDefinition], list[ProvinceSummary]]:
    """Per province: its communes and, per headline indicator, the median and mean of their latest values."""
    provinces, communes = selectors.places(language)
    definitions = headline_definitions(selectors.active_definitions())
    latest = latest_values([d.pk for d in definitions], communes)
    by_province: dict[int, list[Place]] = {pid: [] for pid in provinces}
    for commune in communes.values():
        if commune.province_id in by_province:
            by_province[commune.province_id].append(commune)
    result = []
    for pid, place in provinces.items():
        members = by_province[pid]
        summaries = []
        for definition in definitions:
            found = [
                latest[(definition.pk, c.id)]["value"] for c in members if (definition.pk, c.id) in latest
            ]
            mean = sum(found) / len(found) if found else None
            summaries.append(
                Summary(
                    definition=definition,
                    name=definition.name(language),
                    count=len(found),
                    median_text=value_text(definition, median(found) if found else None),
                    average_text=value_text(definition, mean),
                )
            )
        result.append(ProvinceSummary(place=place, communes=members, summaries=summaries))
    return definitions, result
