"""Admin customisation: commune workspaces and per-commune page choosers."""

from wagtail import hooks

from .models import CommunePage
from .services import communes_of, setup_commune


@hooks.register("after_create_page")
def set_up_new_commune(request, page):
    if isinstance(page.specific, CommunePage):
        setup_commune(commune=page.specific)


@hooks.register("construct_page_chooser_queryset")
def limit_chooser_to_own_communes(pages, request):
    """Editors choose (link to) pages of their own commune only; admins choose anything.

    The shared pages above the commune (home, province) stay listed so that an editor can browse
    down from the root to the commune; other communes and their pages are never listed.
    """
    user = request.user
    if user.is_superuser:
        return pages
    commune_ids = communes_of(user)
    if not commune_ids:
        return pages.none()
    allowed = CommunePage.objects.filter(pk__in=commune_ids)
    query = None
    for commune in allowed:
        condition = pages.descendant_of_q(commune, inclusive=True) | pages.ancestor_of_q(commune)
        query = condition if query is None else query | condition
    return pages.filter(query)
