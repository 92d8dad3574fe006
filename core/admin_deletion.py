"""The staff's "Deleted items" list for soft-deletable models (``core.deletion``) in the Django admin.

Rows are never deleted from here (the admin's own delete is off); the two actions call the owning app's
``delete_*`` / ``restore_*`` services, which check who may act and record the events.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


class DeletedFilter(admin.SimpleListFilter):
    title = _("deleted items")
    parameter_name = "deleted"

    def lookups(self, request, model_admin):
        return [("yes", _("Deleted")), ("no", _("Not deleted"))]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.filter(deleted_at__isnull=False)
        if self.value() == "no":
            return queryset.filter(deleted_at__isnull=True)
        return queryset


class SoftDeleteAdmin(admin.ModelAdmin):
    """Lists every row (deleted ones too), read-only; delete and restore go through services.

    Subclasses set ``delete_service`` and ``restore_service`` (static methods taking ``(instance, actor)``)
    and ``refusals``, the domain errors those services raise.
    """

    delete_service = None
    restore_service = None
    refusals: tuple[type[Exception], ...] = ()
    actions = ["soft_delete_selected", "restore_selected"]

    def get_queryset(self, request):
        return self.model.all_objects.get_queryset()

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def _apply(self, request, queryset, service, done_message) -> None:
        done = 0
        for instance in queryset.order_by("pk"):
            try:
                service(instance, request.user)
            except self.refusals as error:
                self.message_user(request, f"{instance}: {error}", messages.ERROR)
            else:
                done += 1
        if done:
            self.message_user(request, done_message(done), messages.SUCCESS)

    @admin.action(description=_("Delete the selected items (they can be restored)"))
    def soft_delete_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            type(self).delete_service,
            lambda count: (
                ngettext("%(count)d item deleted.", "%(count)d items deleted.", count) % {"count": count}
            ),
        )

    @admin.action(description=_("Restore the selected deleted items"))
    def restore_selected(self, request, queryset):
        self._apply(
            request,
            queryset,
            type(self).restore_service,
            lambda count: (
                ngettext("%(count)d item restored.", "%(count)d items restored.", count) % {"count": count}
            ),
        )
