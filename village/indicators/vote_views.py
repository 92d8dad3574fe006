"""(being written) The guide's helpfulness vote."""

from django.http import Http404


def vote(request, guide_id):
    raise Http404
