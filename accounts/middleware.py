"""Binds the request for the audit trail, so a permission change made in an admin screen that calls no
service (Wagtail's user and group editors, the Django admin) is attributed to who made it — see
``accounts.audit``. The user is read lazily, only when such a change is recorded."""

from .audit import bind_request, unbind_request


class AuditActorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = bind_request(request)
        try:
            return self.get_response(request)
        finally:
            unbind_request(token)
