"""Django admin: the staff's "Deleted items" lists of producers and products (restore or delete there)."""

from django.contrib import admin

from core.admin_deletion import DeletedFilter, SoftDeleteAdmin

from . import services
from .exceptions import MarketError
from .models import Producer, Product


@admin.register(Producer)
class ProducerAdmin(SoftDeleteAdmin):
    list_display = ["name", "commune", "owner", "review_status", "deleted_at", "deleted_by"]
    list_filter = [DeletedFilter, "review_status"]
    search_fields = ["name", "slug"]
    list_select_related = ["commune", "owner", "deleted_by"]
    refusals = (MarketError,)

    @staticmethod
    def delete_service(producer, actor):
        return services.delete_producer(producer=producer, actor=actor)

    @staticmethod
    def restore_service(producer, actor):
        return services.restore_producer(producer=producer, actor=actor)


@admin.register(Product)
class ProductAdmin(SoftDeleteAdmin):
    list_display = ["name_vi", "producer", "commune", "review_status", "deleted_at", "deleted_by"]
    list_filter = [DeletedFilter, "review_status", "category"]
    search_fields = ["name_vi", "name_en", "slug"]
    list_select_related = ["producer", "commune", "deleted_by"]
    refusals = (MarketError,)

    @staticmethod
    def delete_service(product, actor):
        return services.delete_product(product=product, actor=actor)

    @staticmethod
    def restore_service(product, actor):
        return services.restore_product(product=product, actor=actor)
