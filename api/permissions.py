"""Who may call what: a partner's key needs the view's scope; writes need a person's token."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .models import ApiKey, PartnerStatus


class PartnerSuspended(exceptions.PermissionDenied):
    default_detail = _("Your partner account is not active (waiting for approval or suspended).")
    default_code = "partner_not_active"


class MissingScope(exceptions.PermissionDenied):
    default_code = "missing_scope"


class UserTokenNeeded(exceptions.PermissionDenied):
    default_detail = _("This operation acts for a person: send their token as “Authorization: Token …”.")
    default_code = "user_token_needed"


class ApiAccess(BasePermission):
    """Reads: a partner key with ``view.required_scope``, or any person's token.
    Writes (``view.write_scope`` set): a person's token; an API key alone is not enough."""

    def has_permission(self, request, view) -> bool:
        auth = request.auth
        user = request.user
        if isinstance(auth, ApiKey):
            if auth.partner.status != PartnerStatus.APPROVED:
                raise PartnerSuspended()
            if request.method not in SAFE_METHODS and getattr(view, "write_scope", None):
                raise UserTokenNeeded()
            scope = view.scope_for(request)
            if scope and not auth.partner.has_scope(scope):
                raise MissingScope(
                    _("Your key does not have the “%(scope)s” scope; ask us to add it.") % {"scope": scope}
                )
            return True
        if user is not None and user.is_authenticated:
            if getattr(view, "partner_only", False):
                raise exceptions.PermissionDenied(_("This operation needs a partner's API key."))
            return True
        raise exceptions.NotAuthenticated()
