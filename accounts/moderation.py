"""The commune moderators' screens in the Wagtail admin (the marketplace's and tourism's): who may open
them, who sees their menu item, and which rows they show.

A commune moderator sees the rows of the communes they moderate, a superuser those of every commune
(``acting.moderated_commune_ids``). Someone who moderates no commune is refused (Wagtail shows "no
permission") and does not see the menu item; another commune's row is "not found". What a moderator may
decide stays the domain services' rule.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from wagtail.admin.menu import MenuItem

from .acting import moderated_commune_ids


def moderates_a_commune(user) -> bool:
    """True for a moderator of at least one commune and for a superuser (``None``: every commune)."""
    return moderated_commune_ids(user) != []


def only_moderated(queryset, user, *, commune_field: str = "commune_id"):
    """The rows of ``queryset`` in the communes ``user`` moderates (every row for a superuser)."""
    commune_ids = moderated_commune_ids(user)
    return queryset if commune_ids is None else queryset.filter(**{f"{commune_field}__in": commune_ids})


class ModeratorOnlyMixin:
    """Refuse anyone who moderates no commune (Wagtail turns this into "no permission")."""

    def dispatch(self, request, *args, **kwargs):
        if not moderates_a_commune(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class ModeratedObjectMixin:
    """A view of one row (``self.object``, from the URL's ``pk``) of a commune the user moderates.

    A non-moderator is refused before the lookup ("no permission", not "not found"); a moderator asking
    for another commune's row gets 404. Views say where the row is (``get_queryset``) and, when the row
    has no ``commune`` of its own, which field leads to it (``commune_field``).
    """

    commune_field = "commune_id"

    def get_queryset(self):
        raise NotImplementedError

    def dispatch(self, request, *args, **kwargs):
        if not moderates_a_commune(request.user):
            raise PermissionDenied
        rows = only_moderated(self.get_queryset(), request.user, commune_field=self.commune_field)
        self.object = get_object_or_404(rows, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)


class ModeratorMenuItem(MenuItem):
    """An admin menu item shown to commune moderators and superusers only."""

    def is_shown(self, request):
        return moderates_a_commune(request.user)
