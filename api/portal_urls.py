"""The partners' portal under ``/<language>/partners/`` (see ``api.views.portal``)."""

from django.urls import path

from .views import portal

app_name = "partners"

SUBSCRIPTION = "dashboard/subscriptions/<int:subscription_id>/"

urlpatterns = [
    path("", portal.landing, name="landing"),
    path("register/", portal.register, name="register"),
    path("dashboard/", portal.dashboard, name="dashboard"),
    # API keys: the whole key is shown once, in the answer to the POST that made it
    path("dashboard/keys/new/", portal.key_new, name="key_new"),
    path("dashboard/keys/<int:key_id>/rotate/", portal.key_rotate, name="key_rotate"),
    path("dashboard/keys/<int:key_id>/revoke/", portal.key_revoke, name="key_revoke"),
    # usage, link clicks and the exchange log
    path("dashboard/usage/", portal.usage, name="usage"),
    # webhook subscriptions and their deliveries
    path("dashboard/subscriptions/", portal.subscriptions, name="subscriptions"),
    path("dashboard/subscriptions/new/", portal.subscription_new, name="subscription_new"),
    path(SUBSCRIPTION, portal.subscription_edit, name="subscription_edit"),
    path(f"{SUBSCRIPTION}secret/", portal.subscription_secret, name="subscription_secret"),
    path(f"{SUBSCRIPTION}delete/", portal.subscription_delete, name="subscription_delete"),
    path(f"{SUBSCRIPTION}deliveries/", portal.deliveries, name="deliveries"),
    path(f"{SUBSCRIPTION}deliveries/<int:delivery_id>/redeliver/", portal.redeliver, name="redeliver"),
    path(f"{SUBSCRIPTION}<slug:action>/", portal.subscription_action, name="subscription_action"),
]
