"""The tourist's own bookings under ``/<language>/my/bookings/`` (an account's bookings, newest first)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .. import selectors

BOOKINGS_PER_PAGE = 20


@login_required
@never_cache
@require_GET
def index(request):
    """The logged-in guest's bookings in a fixed number of queries, whatever their number."""
    paginator = Paginator(selectors.bookings_of_guest(request.user), BOOKINGS_PER_PAGE)
    page_obj = paginator.get_page(request.GET.get("page"))
    return render(
        request, "tourism/my_bookings.html", {"page_obj": page_obj, "bookings": list(page_obj.object_list)}
    )
