from django.contrib import admin

from . import services
from .models import AssistanceConsent, CommuneMembership


@admin.register(CommuneMembership)
class CommuneMembershipAdmin(admin.ModelAdmin):
    """Memberships change through ``accounts.services``, which record them on the audit trail."""

    list_display = ["user", "commune", "role", "created_at"]
    list_filter = ["role"]

    def save_model(self, request, obj, form, change):
        if change:
            previous = CommuneMembership.objects.get(pk=obj.pk)
            if (previous.user_id, previous.commune_id) != (obj.user_id, obj.commune_id):
                # another person or commune is another membership: take the old one away, give the new
                services.remove_membership(membership=previous, actor=request.user)
                saved = services.add_membership(
                    user=obj.user, commune=obj.commune, role=obj.role, actor=request.user
                )
            else:
                saved = services.change_membership_role(membership=obj, role=obj.role, actor=request.user)
        else:
            saved = services.add_membership(
                user=obj.user, commune=obj.commune, role=obj.role, actor=request.user
            )
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.remove_membership(membership=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for membership in queryset.order_by("pk"):
            services.remove_membership(membership=membership, actor=request.user)


@admin.register(AssistanceConsent)
class AssistanceConsentAdmin(admin.ModelAdmin):
    list_display = ["household", "helper", "commune", "granted_at", "revoked_at"]
