"""(being written) Open-data downloads."""

from django.http import Http404


def data_csv(request):
    raise Http404


def data_json(request):
    raise Http404
