"""(being written) The commune office's entry pages."""

from django.http import Http404


def office_home(request):
    raise Http404


def office_commune(request, commune_id):
    raise Http404
