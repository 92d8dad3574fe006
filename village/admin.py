"""The platform admin's screens for the indicator catalogue (definitions, national targets) and a
read-only view of the values and their history. Values are entered on the commune office's pages
(``/<lang>/indicators/office/``) or computed; the admin never edits them by hand."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.registries import indicators as computed_indicators

from .models import (
    IndicatorDefinition,
    IndicatorSource,
    IndicatorTarget,
    IndicatorValue,
    IndicatorValueChange,
)


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

    def save_model(self, request, obj, form, change):
        if obj.source == IndicatorSource.COMPUTED and obj.computed_key not in computed_indicators:
            raise ValidationError(
                _("No computed indicator is registered as %(key)s.") % {"key": obj.computed_key}
            )
        super().save_model(request, obj, form, change)


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
