"""View helpers shared by the villagers' own areas — the shop (``market``) and the host area (``tourism``).

Presentation only: logging in, binding forms, the "acting for a household" page frame, and the action
page (one plain POST form per action, no JavaScript). The rules stay in each domain's services; these
helpers know no domain (``core`` imports no app).
"""

from collections.abc import Callable, Mapping
from typing import NamedTuple

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache


def private_area(view):
    """Logged-in users only (Wagtail's login page), never cached anywhere."""
    return login_required(never_cache(view))


def submitted(request):
    """The POSTed data (binding the form), or None on GET."""
    return request.POST if request.method == "POST" else None


def render_for_household(
    request, template: str, context: dict, *, name: str, owned, status: int = 200
) -> HttpResponse:
    """Render a page about ``owned`` (a shop or a host, with ``owner`` and ``commune``; None on the pages
    that choose or create one), given to the template as ``name`` together with its ``commune``.

    In assisted mode — the user acts for someone else's household — ``assisted`` is true and
    ``household`` names the household, so that every page can say for whom one acts.
    """
    base = {"commune": owned.commune if owned is not None else None, name: owned}
    if owned is not None:
        base["assisted"] = owned.owner_id != request.user.pk
        base["household"] = owned.owner.get_full_name()
    return render(request, template, {**base, **context}, status=status)


def refusal_status(error: Exception, *, domain_error: type[Exception], statuses: Mapping) -> int:
    """The HTTP status of a refused service call: ``statuses[error.code]`` for a domain error, else 400."""
    if isinstance(error, domain_error):
        return statuses.get(error.code, 400)
    return 400


# --- action pages: a detail page with one POST form per action ----------------------------------------


class Action(NamedTuple):
    """One POST button of an action page: its form, what the page says once it is done, and the form's
    prefix (when its field names would clash with another form of the page)."""

    form_class: type[forms.Form]
    success: str
    prefix: str | None = None

    def form(self, data=None) -> forms.Form:
        return self.form_class(data, prefix=self.prefix)


def action_forms(
    actions: Mapping[str, Action], bound: tuple[str, forms.Form] | None = None
) -> dict[str, forms.Form]:
    """One blank form per action, but the one that was just refused (``(name, form)``) keeps what was typed
    and its errors."""
    forms_by_action = {name: action.form() for name, action in actions.items()}
    if bound is not None:
        forms_by_action[bound[0]] = bound[1]
    return forms_by_action


def post_action(
    request,
    action: Action,
    perform: Callable[[dict], object],
    *,
    refusals: tuple[type[Exception], ...],
    apply_error: Callable[[forms.Form, Exception], None],
    error_status: Callable[[Exception], int],
    done_url: str,
    show_again: Callable[[forms.Form, int], HttpResponse],
) -> HttpResponse:
    """Bind ``action``'s form to the POST and, when it is valid, ``perform(cleaned_data)`` — a service call.

    Done: the success message, then a redirect to ``done_url``. Refused by the service (one of
    ``refusals``): ``apply_error`` puts the reason on the form. Refused either way: ``show_again(form,
    status)`` renders the page again with that form (``error_status(error)`` for the service's refusal,
    400 for an invalid form); the service wrote nothing.
    """
    form = action.form(request.POST)
    if form.is_valid():
        try:
            perform(form.cleaned_data)
        except refusals as error:
            apply_error(form, error)
            return show_again(form, error_status(error))
        messages.success(request, str(action.success))
        return redirect(done_url)
    return show_again(form, 400)
