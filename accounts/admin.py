from django.contrib import admin

from .models import AssistanceConsent, CommuneMembership


@admin.register(CommuneMembership)
class CommuneMembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "commune", "role", "created_at"]
    list_filter = ["role"]


@admin.register(AssistanceConsent)
class AssistanceConsentAdmin(admin.ModelAdmin):
    list_display = ["household", "helper", "commune", "granted_at", "revoked_at"]
