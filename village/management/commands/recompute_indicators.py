"""``manage.py recompute_indicators``: compute the computed indicators again over any range, on demand.

The periodic job (``village.recompute-indicators``) keeps the current and the previous period fresh;
this command rebuilds older periods, e.g. after importing data or fixing a computation.
"""

from django.core.management.base import BaseCommand, CommandError

from village.indicators.services import canonical_communes, computed_definitions, recompute
from village.models import IndicatorDefinition, IndicatorSource


class Command(BaseCommand):
    help = "Recompute the computed indicators of the communes for the last N periods."

    def add_arguments(self, parser):
        parser.add_argument(
            "--months", type=int, default=12, help="How many periods back, the current one included (12)."
        )
        parser.add_argument(
            "--commune", type=int, action="append", default=[], metavar="ID",
            help="A commune (its Vietnamese page id); repeat for several. Default: every commune.",
        )  # fmt: skip
        parser.add_argument(
            "--indicator", action="append", default=[], metavar="CODE",
            help="A computed indicator's code; repeat for several. Default: every computed indicator.",
        )  # fmt: skip

    def handle(self, *args, months: int, commune: list[int], indicator: list[str], **options):
        if months < 1:
            raise CommandError("--months must be at least 1.")
        communes = list(canonical_communes().order_by("path"))
        if commune:
            known = {row.pk: row for row in communes}
            unknown = sorted(set(commune) - set(known))
            if unknown:
                raise CommandError(f"Unknown commune id(s): {', '.join(map(str, unknown))}.")
            communes = [known[pk] for pk in dict.fromkeys(commune)]
        codes = list(dict.fromkeys(indicator)) or None
        if codes:
            computable = {row.code for row in computed_definitions(codes)}
            unknown = [code for code in codes if code not in computable]
            if unknown:
                manual = set(
                    IndicatorDefinition.objects.filter(code__in=unknown)
                    .exclude(source=IndicatorSource.COMPUTED)
                    .values_list("code", flat=True)
                )
                details = [f"{code} (entered by the commune)" if code in manual else code for code in unknown]
                raise CommandError(f"Not a computed indicator: {', '.join(details)}.")
        definitions = computed_definitions(codes)
        self.stdout.write(
            f"Recomputing {len(definitions)} indicator(s) for {len(communes)} commune(s), {months} period(s)."
        )
        written = removed = 0
        for index, row in enumerate(communes, start=1):
            result = recompute(communes=[row], periods_back=months, codes=codes)
            written += result.written
            removed += result.removed
            self.stdout.write(
                f"[{index}/{len(communes)}] {row.title} (#{row.pk}): "
                f"{result.written} written, {result.removed} removed"
            )
        self.stdout.write(self.style.SUCCESS(f"Done: {written} value(s) written, {removed} removed."))
