"""Digital-village indicators (``indicators:read``): the definitions with their targets, and the values as
open-data rows — the very rows of the site's CSV/JSON downloads (``village.indicators.data_filters``)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from village.indicators.data_filters import DataFilterForm, format_decimal, format_row
from village.models import IndicatorDirection, IndicatorSource, IndicatorUnit, Periodicity


class IndicatorTargetSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text=_("To be reached by the end of this year."))
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    source = serializers.CharField(allow_blank=True, help_text=_("Where the target comes from."))


class IndicatorDefinitionSerializer(serializers.Serializer):
    code = serializers.SlugField(help_text=_("Stable code; use it in ?indicator= filters."))
    name = serializers.SerializerMethodField(help_text=_("In the requested language."))
    unit = serializers.ChoiceField(choices=IndicatorUnit.choices)
    direction = serializers.ChoiceField(
        choices=IndicatorDirection.choices, help_text=_("Whether a higher or a lower value is better.")
    )
    source = serializers.ChoiceField(
        choices=IndicatorSource.choices,
        help_text=_("manual: entered by the commune office; computed: by the platform from its data."),
    )
    periodicity = serializers.ChoiceField(choices=Periodicity.choices)
    method = serializers.SerializerMethodField(help_text=_("How it is measured, in the requested language."))
    targets = serializers.SerializerMethodField()

    def get_name(self, obj) -> str:
        return obj.name(self.context.get("language"))

    def get_method(self, obj) -> str:
        return obj.method(self.context.get("language"))

    def get_targets(self, obj) -> IndicatorTargetSerializer(many=True):
        return [
            {"year": target.year, "value": format_decimal(target.value), "source": target.source_note}
            for target in obj.targets.all()  # prefetched, by year
        ]


class IndicatorRowSerializer(serializers.Serializer):
    """One value, exactly as a row of ``/<lang>/indicators/data.csv`` and ``data.json``."""

    province_id = serializers.IntegerField(allow_null=True, help_text=_("The same id in every language."))
    province = serializers.CharField(allow_blank=True)
    commune_id = serializers.IntegerField(help_text=_("The same id in every language."))
    commune = serializers.CharField()
    indicator = serializers.SlugField(help_text=_("The indicator's code."))
    indicator_name = serializers.CharField(help_text=_("In the requested language."))
    unit = serializers.ChoiceField(choices=IndicatorUnit.choices)
    source = serializers.ChoiceField(choices=IndicatorSource.choices)
    period = serializers.CharField(help_text=_("2026-03 (a month) or 2026-Q1 (a quarter)."))
    period_start = serializers.DateField(help_text=_("The first day of the period."))
    value = serializers.DecimalField(max_digits=14, decimal_places=2, coerce_to_string=True)
    target = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        coerce_to_string=True,
        allow_null=True,
        help_text=_("The national target the period works towards (null when there is none)."),
    )
    updated_at = serializers.DateTimeField(help_text=_("UTC, to the second."))

    def to_representation(self, instance):
        return format_row(instance)  # one formatter for the API and the downloads


class IndicatorValuesSerializer(serializers.Serializer):
    """A page of values with the licence block."""

    licence = serializers.CharField(help_text=_("e.g. CC BY 4.0"))
    licence_url = serializers.URLField()
    attribution = serializers.CharField(help_text=_("Show this line next to the data."))
    last_updated = serializers.DateTimeField(
        allow_null=True, help_text=_("The latest change among all the rows the filters select.")
    )
    next = serializers.URLField(allow_null=True)
    previous = serializers.URLField(allow_null=True)
    results = IndicatorRowSerializer(many=True)


class IndicatorValuesFilter(serializers.Serializer):
    """The filters of the downloads, checked by the same form (``village.indicators.data_filters``)."""

    lang = serializers.ChoiceField(
        choices=["vi", "en"], required=False, help_text=_("vi or en; otherwise Accept-Language decides.")
    )
    province = serializers.IntegerField(required=False, min_value=1, help_text=_("Province id."))
    commune = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        help_text=_("Commune ids: repeat the parameter or separate them with commas."),
    )
    indicator = serializers.ListField(
        child=serializers.SlugField(),
        required=False,
        help_text=_("Indicator codes: repeat the parameter or separate them with commas."),
    )
    period_from = serializers.CharField(
        required=False, help_text=_("Periods starting from this month (2026-03) or quarter (2026-Q1).")
    )
    period_to = serializers.CharField(
        required=False, help_text=_("Periods up to the end of this month (2026-03) or quarter (2026-Q1).")
    )
    updated_since = serializers.DateTimeField(
        required=False, help_text=_("Only values changed at or after this time (ISO 8601).")
    )

    def to_internal_value(self, data):
        form = DataFilterForm(data, language=self.context.get("language"))
        if not form.is_valid():
            raise serializers.ValidationError(form.error_messages())
        return form.data_rows_kwargs()
