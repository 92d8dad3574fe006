from django.contrib import admin

from .models import Event


class ReadOnlyAdmin(admin.ModelAdmin):
    """An admin list that shows rows and never changes them (logs, histories, computed figures)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Event)
class EventAdmin(ReadOnlyAdmin):
    list_display = [
        "name",
        "occurred_at",
        "actor",
        "on_behalf_of",
        "commune_id",
        "subject_type",
        "subject_id",
    ]
    list_filter = ["name"]
    search_fields = ["name", "subject_id"]
    readonly_fields = [field.name for field in Event._meta.fields]
