"""Reading indicator values: targets and traffic lights, and the open-data rows.

The open-data rows (``data_rows``) are the one source of the CSV/JSON downloads and of
``/api/v1/indicators/values/``, so a download always equals the API.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Max, Prefetch
from django.utils.translation import get_language

from core.models import Event

from ..models import (
    CommunePage,
    IndicatorDefinition,
    IndicatorDirection,
    IndicatorTarget,
    IndicatorValue,
    ProvincePage,
)
from . import periods
from .services import RECOMPUTED_EVENT

#: within this share of the target a value is "near" (amber), beyond it "behind" (red)
NEAR_SHARE = Decimal("0.8")


class Status:
    MET = "met"
    NEAR = "near"
    BEHIND = "behind"
    NO_TARGET = "no_target"
    NO_VALUE = "no_value"


def active_definitions(codes: Iterable[str] | None = None) -> list[IndicatorDefinition]:
    rows = IndicatorDefinition.objects.filter(is_active=True).prefetch_related(
        Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
    )
    if codes:
        rows = rows.filter(code__in=list(codes))
    return list(rows)


def target_for(definition: IndicatorDefinition, period_start: date) -> IndicatorTarget | None:
    """The target the period works towards: the first target year at or after the period's year."""
    for target in definition.targets.all():  # prefetched, by year
        if target.year >= period_start.year:
            return target
    return None


def status_of(definition: IndicatorDefinition, value: Decimal | None, target: Decimal | None) -> str:
    """A traffic light: met (green), near (amber: within 80 %), behind (red), or no target / no value."""
    if value is None:
        return Status.NO_VALUE
    if target is None:
        return Status.NO_TARGET
    if definition.direction == IndicatorDirection.LOWER_IS_BETTER:
        if value <= target:
            return Status.MET
        return Status.NEAR if target > 0 and value * NEAR_SHARE <= target else Status.BEHIND
    if value >= target:
        return Status.MET
    return Status.NEAR if value >= target * NEAR_SHARE else Status.BEHIND


# --- places -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    id: int  # the Vietnamese page's id: the same in every language
    title: str  # in the asked language when the page is translated
    url: str
    licence: str = ""
    province_id: int | None = None


def places(language: str | None = None) -> tuple[dict[int, Place], dict[int, Place]]:
    """Every live province and commune by canonical id, titled in ``language``. Two queries."""
    language = (language or get_language() or settings.LANGUAGE_CODE)[:2]
    default = settings.LANGUAGE_CODE
    rows = list(
        ProvincePage.objects.live()
        .filter(locale__language_code__in={default, language})
        .values("id", "title", "translation_key", "locale__language_code", "url_path", "path")
    )
    communes = list(
        CommunePage.objects.live()
        .filter(locale__language_code__in={default, language})
        .values(
            "id", "title", "translation_key", "locale__language_code", "url_path", "path", "content_licence"
        )
    )
    provinces = _by_canonical(rows, language, default)
    province_by_path = {place_path: pid for pid, (_row, place_path) in provinces.items()}
    province_places = {pid: Place(id=pid, title=row["title"], url="") for pid, (row, _p) in provinces.items()}
    commune_places = {}
    for cid, (row, path) in _by_canonical(communes, language, default).items():
        commune_places[cid] = Place(
            id=cid,
            title=row["title"],
            url="",
            licence=row["content_licence"],
            province_id=province_by_path.get(path[: 3 * 4]),
        )
    return province_places, commune_places


def _by_canonical(rows: list[dict], language: str, default: str) -> dict[int, tuple[dict, str]]:
    """canonical id → (the row in ``language`` if there is one, else the default's; the default's path)."""
    default_rows = {row["translation_key"]: row for row in rows if row["locale__language_code"] == default}
    asked = {row["translation_key"]: row for row in rows if row["locale__language_code"] == language}
    return {
        base["id"]: (asked.get(key, base), base["path"])
        for key, base in sorted(default_rows.items(), key=lambda item: item[1]["title"])
    }


# --- open data ----------------------------------------------------------------------------------------

DATA_FIELDS = (
    "province_id", "province", "commune_id", "commune", "indicator", "indicator_name", "unit", "source",
    "period", "period_start", "value", "target", "updated_at",
)  # fmt: skip


def data_rows(
    *,
    language: str | None = None,
    commune_ids: Iterable[int] | None = None,
    province_id: int | None = None,
    codes: Iterable[str] | None = None,
    period_from: date | None = None,
    period_to: date | None = None,
    updated_since: datetime | None = None,
) -> list[dict]:
    """The values as open-data rows (``DATA_FIELDS``), by province, commune, indicator and period.

    A constant number of queries whatever the number of communes.
    """
    province_places, commune_places = places(language)
    definitions = {definition.pk: definition for definition in active_definitions(codes)}
    values = IndicatorValue.objects.filter(indicator_id__in=definitions)
    if commune_ids is not None:
        values = values.filter(commune_id__in=list(commune_ids))
    if province_id is not None:
        values = values.filter(
            commune_id__in=[c.id for c in commune_places.values() if c.province_id == province_id]
        )
    if period_from is not None:
        values = values.filter(period_start__gte=period_from)
    if period_to is not None:
        values = values.filter(period_start__lte=period_to)
    if updated_since is not None:
        values = values.filter(updated_at__gte=updated_since)
    rows = []
    for value in values.values("indicator_id", "commune_id", "period_start", "value", "updated_at"):
        commune = commune_places.get(value["commune_id"])
        if commune is None:  # not live
            continue
        province = province_places.get(commune.province_id)
        definition = definitions[value["indicator_id"]]
        target = target_for(definition, value["period_start"])
        rows.append(
            {
                "province_id": province.id if province else None,
                "province": province.title if province else "",
                "commune_id": commune.id,
                "commune": commune.title,
                "indicator": definition.code,
                "indicator_name": definition.name(language),
                "unit": definition.unit,
                "source": definition.source,
                "period": periods.period_code(value["period_start"], definition.periodicity),
                "period_start": value["period_start"],
                "value": value["value"],
                "target": target.value if target is not None else None,
                "updated_at": value["updated_at"],
            }
        )
    order = {definition.pk: index for index, definition in enumerate(definitions.values())}
    code_order = {definitions[pk].code: position for pk, position in order.items()}
    rows.sort(
        key=lambda r: (
            r["province"],
            r["commune"],
            r["commune_id"],
            code_order[r["indicator"]],
            r["period_start"],
        )
    )
    return rows


def last_updated(rows: list[dict]) -> datetime | None:
    return max((row["updated_at"] for row in rows), default=None)


def values_last_updated():
    """When the open data last changed: the newest value, or a recompute that removed values."""
    latest = IndicatorValue.objects.aggregate(latest=Max("updated_at"))["latest"]
    removed = Event.objects.filter(name=RECOMPUTED_EVENT).aggregate(latest=Max("occurred_at"))["latest"]
    return max((moment for moment in (latest, removed) if moment is not None), default=None)
