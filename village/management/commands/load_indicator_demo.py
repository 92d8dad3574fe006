"""``manage.py load_indicator_demo``: a year of believable indicator values for every demo commune.

The commune office's manual figures rise towards the national targets with a little noise, each commune
from its own level (a random generator seeded per commune, so every run writes the same numbers); the
computed ones are then computed from the demo's market, tourism, guide and exchange data. Idempotent:
a value already there with the same figure and evidence is left alone, so a second run writes nothing.
Run after ``load_demo`` (and the market, tourism and API demos, whose data the computed ones read).
"""

import hashlib
import random
from datetime import datetime, time
from decimal import Decimal

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from accounts.models import Role, User
from village.indicators import periods
from village.indicators.selectors import target_for
from village.indicators.services import canonical_communes, clean_value, recompute
from village.models import (
    GuidePage,
    GuideVote,
    IndicatorDefinition,
    IndicatorSource,
    IndicatorUnit,
    IndicatorValue,
    IndicatorValueChange,
    Periodicity,
)

MONTHS_BACK = 12
QUARTERS_BACK = 4
DEFAULT_TARGET = Decimal(100)
#: digital team size stated on a demo commune page that has none, per 100 households
TEAM_PER_100_HOUSEHOLDS = (2.1, 2.6, 3.2, 1.8)


def _office_user(commune) -> User | None:
    """The commune's own editor (else a digital team member) of the demo, who enters its figures."""
    for role in (Role.COMMUNE_EDITOR, Role.DIGITAL_TEAM):
        user = (
            User.objects.filter(memberships__commune=commune, memberships__role=role).order_by("pk").first()
        )
        if user is not None:
            return user
    return None


def _evidence(commune, start, periodicity: str) -> str:
    if periodicity == Periodicity.QUARTERLY:
        when = f"quý {(start.month - 1) // 3 + 1}/{start.year}"
    else:
        when = f"tháng {start.month:02d}/{start.year}"
    return f"Báo cáo của UBND xã {commune.title} {when}"


def series(rng: random.Random, definition: IndicatorDefinition, starts: list) -> list[Decimal]:
    """Values over ``starts`` climbing from the commune's level towards the target, with small noise."""
    goal = target_for(definition, starts[-1])
    target = goal.value if goal is not None else DEFAULT_TARGET
    level = rng.uniform(0.45, 0.75)  # where this commune starts, as a share of the target
    reach = min(1.0, level + rng.uniform(0.15, 0.35))  # where it is now
    values = []
    last = 0.0
    for index in range(len(starts)):
        share = level + (reach - level) * index / max(1, len(starts) - 1)
        figure = max(last * 0.99, float(target) * share + rng.uniform(-1.5, 1.5))
        if definition.unit == IndicatorUnit.PERCENT:
            figure = min(100.0, figure)
        last = max(0.0, figure)
        values.append(clean_value(definition, f"{last:.2f}"))
    return values


class Command(BaseCommand):
    help = "Load a year of demo indicator values for every commune (idempotent), then compute the rest."

    def handle(self, *args, **options):
        manual = IndicatorDefinition.objects.filter(source=IndicatorSource.MANUAL, is_active=True)
        manual = list(manual.order_by("order"))
        communes = list(canonical_communes().order_by("path"))
        entered = 0
        for number, commune in enumerate(communes):
            self._state_digital_team(commune, number)
            with transaction.atomic():
                entered += self._load_commune(commune, manual)
                votes = _load_votes(commune)
            self.stdout.write(f"{commune.title}: manual values loaded, {votes} new guide vote(s)")
        result = recompute(communes=communes, periods_back=MONTHS_BACK)
        self.stdout.write(
            self.style.SUCCESS(
                f"Indicator demo ready: {entered} manual value(s) written, {result.written} computed "
                f"value(s) written, {result.removed} removed."
            )
        )

    def _state_digital_team(self, commune, number: int) -> None:
        """A demo commune page without a stated digital team gets one (published like an edit)."""
        if commune.digital_team_members or not commune.households:
            return
        per_100 = TEAM_PER_100_HOUSEHOLDS[number % len(TEAM_PER_100_HOUSEHOLDS)]
        commune.digital_team_members = max(1, round(commune.households * per_100 / 100))
        commune.save_revision().publish()

    def _load_commune(self, commune, definitions) -> int:
        rng = random.Random(f"indicator-demo-{commune.slug}")  # noqa: S311 (demo figures, not secrets)
        user = _office_user(commune)
        written = 0
        for definition in definitions:
            back = QUARTERS_BACK if definition.periodicity == Periodicity.QUARTERLY else MONTHS_BACK
            starts = periods.last_periods(definition.periodicity, back)
            for start, value in zip(starts, series(rng, definition, starts), strict=True):
                evidence = _evidence(commune, start, definition.periodicity)
                written += _write(commune, definition, start, value, evidence, user)
        return written


def _load_votes(commune) -> int:
    """A few answers to "Was this guide helpful?" every month on each guide chapter, more often "yes"
    as the chapters improve (the visitors are made-up hashes; existing answers are kept)."""
    rng = random.Random(f"indicator-demo-votes-{commune.slug}")  # noqa: S311 (demo figures, not secrets)
    today = periods.today()
    made = 0
    guides = GuidePage.objects.live().descendant_of(commune).order_by("path")
    starts = periods.last_periods(Periodicity.MONTHLY, MONTHS_BACK)
    for guide in guides:
        for index, start in enumerate(starts):
            share_helpful = 0.6 + 0.25 * index / (len(starts) - 1)
            for number in range(rng.randint(2, 6)):
                day = start.replace(day=rng.randint(1, 28))
                day = min(day, today)
                when = timezone.make_aware(
                    datetime.combine(day, time(rng.randint(7, 21), rng.randint(0, 59)))
                )
                helpful = rng.random() < share_helpful
                visitor = hashlib.sha256(
                    f"demo-{guide.translation_key}-{start}-{number}".encode()
                ).hexdigest()
                _vote, created = GuideVote.objects.get_or_create(
                    guide_key=guide.translation_key,
                    visitor=visitor,
                    defaults={
                        "guide": guide, "commune": commune, "helpful": helpful, "created_at": when,
                        "updated_at": when,
                    },
                )  # fmt: skip
                made += created
    return made


def _write(commune, definition, start, value: Decimal, evidence: str, user) -> int:
    row = IndicatorValue.objects.filter(indicator=definition, commune=commune, period_start=start).first()
    if row is not None and row.value == value and row.evidence == evidence:
        return 0
    now = timezone.now()
    previous = row.value if row is not None else None
    if row is None:
        row = IndicatorValue.objects.create(
            indicator=definition, commune=commune, period_start=start, value=value, evidence=evidence,
            entered_by=user, updated_at=now,
        )  # fmt: skip
    else:
        row.value, row.evidence, row.entered_by, row.updated_at = value, evidence, user, now
        row.save(update_fields=["value", "evidence", "entered_by", "updated_at"])
    IndicatorValueChange.objects.create(
        value=row, previous=previous, new=value, evidence=evidence, changed_by=user, changed_at=now
    )
    return 1
