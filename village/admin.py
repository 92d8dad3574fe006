"""The platform admin's screens for the indicator catalogue (definitions, national targets) and a
read-only view of the values and their history. Values are entered on the commune office's pages
(``/<lang>/indicators/office/``) or computed; the admin never edits them by hand."""

from django.contrib import admin

from core.admin import ReadOnlyAdmin

from .models import IndicatorDefinition, IndicatorTarget, IndicatorValue, IndicatorValueChange


class IndicatorTargetInline(admin.TabularInline):
    model = IndicatorTarget
    extra = 1


@admin.register(IndicatorDefinition)
class IndicatorDefinitionAdmin(admin.ModelAdmin):
    list_display = ["code", "name_vi", "name_en", "unit", "direction", "source", "periodicity", "is_active"]
    list_filter = ["source", "unit", "periodicity", "is_active"]
    search_fields = ["code", "name_vi", "name_en"]
    inlines = [IndicatorTargetInline]

    def get_readonly_fields(self, request, obj=None):
        # Values are stored under the code and the period kind: changing them would orphan history.
        return ("code", "source", "computed_key", "periodicity") if obj is not None else ()


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = [
        "indicator",
        "commune",
        "period_start",
        "value",
        "entered_by",
        "computed_at",
        "updated_at",
    ]
    list_filter = ["indicator"]
    list_select_related = ["indicator", "commune", "entered_by"]
    date_hierarchy = "period_start"


@admin.register(IndicatorValueChange)
class IndicatorValueChangeAdmin(ReadOnlyAdmin):
    list_display = ["value", "previous", "new", "changed_by", "changed_at"]
    list_select_related = ["value__indicator", "changed_by"]
