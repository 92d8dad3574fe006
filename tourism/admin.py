"""Django admin: the staff's "Deleted items" lists of hosts and listings (restore or delete there)."""

from django.contrib import admin

from core.admin_deletion import DeletedFilter, SoftDeleteAdmin

from .exceptions import TourismError
from .models import Host, Service
from .services import deletion


@admin.register(Host)
class HostAdmin(SoftDeleteAdmin):
    list_display = ["name", "commune", "owner", "status", "deleted_at", "deleted_by"]
    list_filter = [DeletedFilter, "status"]
    search_fields = ["name", "slug"]
    list_select_related = ["commune", "owner", "deleted_by"]
    refusals = (TourismError,)

    @staticmethod
    def delete_service(host, actor):
        return deletion.delete_host(host=host, actor=actor)

    @staticmethod
    def restore_service(host, actor):
        return deletion.restore_host(host=host, actor=actor)


@admin.register(Service)
class ServiceAdmin(SoftDeleteAdmin):
    list_display = ["title_vi", "kind", "host", "commune", "status", "deleted_at", "deleted_by"]
    list_filter = [DeletedFilter, "kind", "status"]
    search_fields = ["title_vi", "title_en", "slug"]
    list_select_related = ["host", "commune", "deleted_by"]
    refusals = (TourismError,)

    @staticmethod
    def delete_service(service, actor):
        return deletion.delete_service(service=service, actor=actor)

    @staticmethod
    def restore_service(service, actor):
        return deletion.restore_service(service=service, actor=actor)
