"""OpenAPI generation settings: only our public API goes into the schema (not Wagtail's admin API)."""

PUBLIC_API_PREFIX = "/api/"


def only_public_api(endpoints):
    """drf-spectacular preprocessing hook: keep the endpoints under ``/api/`` and drop the rest."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith(PUBLIC_API_PREFIX)]
