"""Writing indicator values: the commune office's entries and corrections, and the computed ones.

Only a member of the commune's office (editor, moderator or digital team member) or a platform admin
records a manual value; every entry and correction is kept (``IndicatorValueChange``) and recorded as
an event. Computed values come from ``core.registries.indicators``: the periodic job recomputes the
current and the previous period, ``manage.py recompute_indicators`` any range on demand.
"""

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.acting import is_logged_in
from accounts.models import Role
from core.cache import bump_page_cache
from core.events import record_event
from core.registries import indicators as computed_indicators

from ..exceptions import VillageError, VillageErrorCode
from ..models import (
    CommunePage,
    IndicatorDefinition,
    IndicatorSource,
    IndicatorUnit,
    IndicatorValue,
    IndicatorValueChange,
)
from . import periods

logger = logging.getLogger(__name__)

#: recorded for a commune when a recompute changed or removed any of its values (deletions leave no row
#: behind, so open-data freshness and the API's content clock learn of them from this event)
RECOMPUTED_EVENT = "village.indicators.recomputed"

OFFICE_ROLES = (Role.COMMUNE_EDITOR, Role.COMMUNE_MODERATOR, Role.DIGITAL_TEAM)
MAX_VALUE = Decimal("999999999999.99")
PERCENT_MAX = Decimal(100)


def canonical_communes():
    """The communes indicators are kept for: their Vietnamese pages (one id in every language)."""
    from django.conf import settings

    return CommunePage.objects.filter(locale__language_code=settings.LANGUAGE_CODE)


def recordable_commune_ids(user) -> list[int] | None:
    """The communes whose values ``user`` may enter; None means every commune (a platform admin)."""
    if not is_logged_in(user):
        return []
    if user.is_superuser:
        return None
    return sorted(set(user.memberships.filter(role__in=OFFICE_ROLES).values_list("commune_id", flat=True)))


def may_record(user, commune_id: int) -> bool:
    allowed = recordable_commune_ids(user)
    return allowed is None or commune_id in allowed


def clean_value(indicator: IndicatorDefinition, raw) -> Decimal:
    """The value as a Decimal with two places, or a BAD_VALUE refusal saying the indicator's range."""
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise VillageError(VillageErrorCode.BAD_VALUE, _("Enter a number.")) from None
    if not value.is_finite():
        raise VillageError(VillageErrorCode.BAD_VALUE, _("Enter a number."))
    if value < 0:
        raise VillageError(VillageErrorCode.BAD_VALUE, _("The value cannot be negative."))
    if indicator.unit == IndicatorUnit.PERCENT and value > PERCENT_MAX:
        raise VillageError(VillageErrorCode.BAD_VALUE, _("A percentage is between 0 and 100."))
    if value > MAX_VALUE:
        raise VillageError(VillageErrorCode.BAD_VALUE, _("The value is too large."))
    return value.quantize(Decimal("0.01"))


def check_period(indicator: IndicatorDefinition, start: date | None, *, on: date | None = None) -> date:
    if start is None or not periods.is_period_start(start, indicator.periodicity):
        raise VillageError(VillageErrorCode.BAD_PERIOD, _("Choose a period of this indicator."))
    if start > periods.current_period(indicator.periodicity, on=on):
        raise VillageError(VillageErrorCode.FUTURE_PERIOD, _("A period in the future cannot have a value."))
    return start


@transaction.atomic
def record_value(
    *,
    user,
    commune: CommunePage,
    indicator: IndicatorDefinition,
    period_start: date | None,
    value,
    evidence: str,
) -> IndicatorValue:
    """Enter or correct the commune's value of a manual indicator for a period; history is kept.

    Refusals: NOT_ALLOWED (not the commune's office), NOT_MANUAL (a computed indicator), BAD_PERIOD,
    FUTURE_PERIOD, BAD_VALUE, EVIDENCE_REQUIRED. Entering the same value and evidence again changes nothing.
    """
    if not may_record(user, commune.pk):
        raise VillageError(
            VillageErrorCode.NOT_ALLOWED, _("Only the commune office can enter its indicators.")
        )
    if indicator.source != IndicatorSource.MANUAL or not indicator.is_active:
        raise VillageError(VillageErrorCode.NOT_MANUAL, _("This indicator is computed by the platform."))
    start = check_period(indicator, period_start)
    number = clean_value(indicator, value)
    evidence = (evidence or "").strip()
    if not evidence:
        raise VillageError(
            VillageErrorCode.EVIDENCE_REQUIRED, _("Say where the figure comes from (the evidence).")
        )
    row = (
        IndicatorValue.objects.select_for_update()
        .filter(indicator=indicator, commune=commune, period_start=start)
        .first()
    )
    previous = row.value if row is not None else None
    if row is not None and row.value == number and row.evidence == evidence:
        return row
    now = timezone.now()
    if row is None:
        try:
            with transaction.atomic():
                row = IndicatorValue.objects.create(
                    indicator=indicator, commune=commune, period_start=start, value=number,
                    evidence=evidence, entered_by=user, updated_at=now,
                )  # fmt: skip
        except IntegrityError:  # a colleague saved the same period a moment ago: theirs is corrected
            row = IndicatorValue.objects.select_for_update().get(
                indicator=indicator, commune=commune, period_start=start
            )
            previous = row.value
    if previous is not None:
        row.value, row.evidence, row.entered_by, row.updated_at = number, evidence, user, now
        row.save(update_fields=["value", "evidence", "entered_by", "updated_at"])
    IndicatorValueChange.objects.create(
        value=row, previous=previous, new=number, evidence=evidence, changed_by=user, changed_at=now
    )
    transaction.on_commit(bump_page_cache)  # the dashboards are whole-page cached for visitors
    record_event(
        "village.indicator.corrected" if previous is not None else "village.indicator.entered",
        subject=row,
        actor=user,
        commune_id=commune.pk,
        payload={
            "indicator": indicator.code,
            "period": periods.period_code(start, indicator.periodicity),
            "previous": str(previous) if previous is not None else None,
            "value": str(number),
        },
    )
    return row


# --- computed values ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecomputeResult:
    written: int
    removed: int
    failed: int = 0


def computed_definitions(codes: Iterable[str] | None = None) -> list[IndicatorDefinition]:
    """Active computed definitions whose computation is registered (an unknown key is skipped)."""
    rows = IndicatorDefinition.objects.filter(source=IndicatorSource.COMPUTED, is_active=True)
    if codes:
        rows = rows.filter(code__in=list(codes))
    return [row for row in rows if row.computed_key in computed_indicators]


def recompute(
    *,
    communes: Iterable[CommunePage] | None = None,
    periods_back: int = 2,
    codes: Iterable[str] | None = None,
    on: date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> RecomputeResult:
    """Compute the computed indicators of ``communes`` for the last ``periods_back`` periods up to now.

    Only a changed value is written (``updated_at`` says when a figure last changed, which
    ``updated_since`` and ``Last-Modified`` rely on). A value the domain cannot give (``None``: e.g. no
    booking to cancel) removes a stored one. One indicator failing for one commune is logged and
    counted, and the others go on. A commune whose values changed gets a ``RECOMPUTED_EVENT``.
    """
    definitions = computed_definitions(codes)
    communes = list(communes if communes is not None else canonical_communes())
    written = removed = failed = 0
    for index, commune in enumerate(communes, start=1):
        changed = gone = 0
        for definition in definitions:
            try:
                with transaction.atomic():
                    counts = _recompute_one(commune, definition, periods_back, on)
            except Exception:
                failed += 1
                logger.exception("indicator %s failed for commune %s", definition.code, commune.pk)
                continue
            changed += counts[0]
            gone += counts[1]
        if changed or gone:
            record_event(
                RECOMPUTED_EVENT, commune_id=commune.pk, payload={"written": changed, "removed": gone}
            )
            transaction.on_commit(bump_page_cache)
        written += changed
        removed += gone
        if progress is not None:
            progress(index, len(communes))
    return RecomputeResult(written=written, removed=removed, failed=failed)


def _recompute_one(commune, definition, periods_back: int, on: date | None) -> tuple[int, int]:
    compute = computed_indicators.get(definition.computed_key).compute
    starts = periods.last_periods(definition.periodicity, periods_back, on=on)
    stored = {
        row.period_start: row
        for row in IndicatorValue.objects.filter(
            indicator=definition, commune=commune, period_start__in=starts
        )
    }
    written = removed = 0
    now = timezone.now()
    for start in starts:
        raw = compute(commune.pk, start, periods.period_end(start, definition.periodicity))
        row = stored.get(start)
        if raw is None:
            if row is not None:
                row.delete()
                removed += 1
            continue
        value = Decimal(str(raw)).quantize(Decimal("0.01"))
        if row is None:
            IndicatorValue.objects.create(
                indicator=definition, commune=commune, period_start=start, value=value, computed_at=now,
                updated_at=now,
            )  # fmt: skip
        elif row.value != value:
            row.value, row.computed_at, row.updated_at = value, now, now
            row.save(update_fields=["value", "computed_at", "updated_at"])
        else:
            continue
        written += 1
    return written, removed
