"""Theme values every template needs: the commune's colour when the page belongs to one."""

from django.conf import settings


def theme(request):
    return {"site_name": settings.WAGTAIL_SITE_NAME}
