from django.apps import AppConfig


class CoreConfig(AppConfig):
    """The ground floor: event log, registries, Vietnamese text folding, money."""

    name = "core"
    verbose_name = "Core"
