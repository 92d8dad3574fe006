from django.apps import AppConfig


class ThemesConfig(AppConfig):
    """Templates, static CSS/JS, per-commune theme presentation, the service worker. No business logic."""

    name = "themes"
    verbose_name = "Themes"
