"""The commune's computed indicators that ``village`` owns (registered from ``VillageConfig.ready()``).

Each function is ``compute(commune_id, starts_on, ends_on)`` over the dates ``[starts_on, ends_on)``;
``commune_id`` is the commune's Vietnamese page (its one id in every language).
"""

from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.registries import ComputedIndicator, indicators

from ..models import CommunePage, GuidePage, GuideVote
from ..translations import all_language_paths


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def digital_team_per_100_households(commune_id: int, starts_on: date, ends_on: date) -> Decimal | None:
    """Digital team members per 100 households, as stated on the commune's page (the same every period);
    None when either figure is missing or zero."""
    row = CommunePage.objects.filter(pk=commune_id).values("digital_team_members", "households").first()
    if not row or not row["digital_team_members"] or not row["households"]:
        return None
    ratio = Decimal(100 * row["digital_team_members"]) / Decimal(row["households"])
    return ratio.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _commune_tree_filter(commune_id: int) -> Q | None:
    """Pages under the commune in every language (its pages share one translation key)."""
    paths = all_language_paths(commune_id)
    if not paths:
        return None
    query = Q()
    for path in paths:
        query |= Q(path__startswith=path)
    return query


def guides_published(commune_id: int, starts_on: date, ends_on: date) -> int:
    """Live guide chapters under the commune first published before the period ended, each counted once
    whatever its languages (translations share a translation key)."""
    tree = _commune_tree_filter(commune_id)
    if tree is None:
        return 0
    return (
        GuidePage.objects.live()
        .filter(tree, first_published_at__lt=_midnight(ends_on))
        .values("translation_key")
        .distinct()
        .count()
    )


def guide_helpfulness(commune_id: int, starts_on: date, ends_on: date) -> float | None:
    """ "Yes" answers to "Was this guide helpful?" as a percentage of the commune's answers given (or last
    changed) within the period; None when nobody answered."""
    counts = GuideVote.objects.filter(
        commune_id=commune_id, updated_at__gte=_midnight(starts_on), updated_at__lt=_midnight(ends_on)
    ).aggregate(all=Count("pk"), helpful=Count("pk", filter=Q(helpful=True)))
    if not counts["all"]:
        return None
    return round(100 * counts["helpful"] / counts["all"], 2)


def register() -> None:
    for key, label, unit, compute in (
        ("village.digital_team_per_100_households", _("Community digital team members per 100 households"),
         "per 100 households", digital_team_per_100_households),
        ("village.guides_published", _("Guide chapters published"), "chapters", guides_published),
        ("village.guide_helpfulness", _("Guides rated helpful"), "%", guide_helpfulness),
    ):  # fmt: skip
        indicators.register(key, ComputedIndicator(key=key, label=label, unit=unit, compute=compute))
