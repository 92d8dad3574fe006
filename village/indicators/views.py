"""(being written) The public dashboards."""

from django.http import Http404


def overview(request):
    raise Http404


def province(request, province_id):
    raise Http404


def commune(request, commune_id):
    raise Http404
