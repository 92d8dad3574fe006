"""Admin customisation for the open exchange: the platform admin's "Partners" screens (see
``api.admin_views``)."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views

partner_admin_urls = [
    path("", admin_views.PartnerListView.as_view(), name="index"),
    path("<int:pk>/", admin_views.PartnerView.as_view(), name="partner"),
    path("<int:pk>/keys/<int:key_id>/revoke/", admin_views.KeyRevokeView.as_view(), name="key_revoke"),
    path("<int:pk>/<slug:action>/", admin_views.PartnerActionView.as_view(), name="action"),
]


@hooks.register("register_admin_urls")
def register_partner_admin_urls():
    return [path("partners/", include((partner_admin_urls, "partners_admin"), namespace="partners_admin"))]


@hooks.register("register_admin_menu_item")
def register_partners_menu_item():
    return admin_views.PartnersMenuItem(
        _("Partners"), reverse("partners_admin:index"), name="partners", icon_name="globe", order=270
    )
