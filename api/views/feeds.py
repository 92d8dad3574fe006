"""Public feeds ``/feeds/<lang>/[<commune id>/]<kind>.<atom|rss|json>`` (no key: public and cacheable).

The commune id may be the id of the commune's page in any language (the API's canonical id is the
Vietnamese one). Answers are shared caches' to keep: ``Cache-Control: public``, an ETag and a
Last-Modified from the content clock (:mod:`api.conditional`), so a revalidation is a 304 without a
query. Nothing here reads the session or the user, so no cookie is set and nothing varies on one.
"""

from functools import wraps

from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.utils import translation
from django.views.decorators.http import require_safe

from .. import feeds
from ..conditional import etag_for, http_date, is_not_modified, last_modified
from ..places import places_for

PUBLIC_MAX_AGE = 300
PUBLIC_CALLER = "public"


def public_cacheable(view):
    """Conditional GET and ``Cache-Control: public, max-age=300`` for a public view (200 and 304 only).

    The ETag covers the content clock, the host (absolute links differ per host) and the full path
    with its query; a matching ``If-None-Match``/``If-Modified-Since`` is answered before the view runs.
    """

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        modified = last_modified()
        etag = etag_for(
            caller=f"{PUBLIC_CALLER}|{request.get_host()}",
            language=kwargs.get("language", ""),
            full_path=request.get_full_path(),
            accept="",
        )
        if is_not_modified(request, etag=etag, modified=modified):
            response = HttpResponseNotModified()
        else:
            response = view(request, *args, **kwargs)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            response["Last-Modified"] = http_date(modified)
            response["Cache-Control"] = f"public, max-age={PUBLIC_MAX_AGE}"
        return response

    return wrapper


@require_safe
@public_cacheable
def feed(request, language: str, kind: str, feed_format: str, commune_id: str | None = None):
    if (
        language not in ("vi", "en")
        or kind not in (*feeds.FEED_KINDS, feeds.ALL)
        or feed_format not in feeds.FORMATS
    ):
        raise Http404
    with translation.override(language):
        try:
            built = feeds.build_feed(
                kind=kind,
                language=language,
                places=places_for(request, language),
                commune_id=int(commune_id) if commune_id is not None else None,
                request=request,
            )
        except feeds.UnknownCommune as error:
            raise Http404 from error
        body = feeds.render(
            built, feed_format=feed_format, feed_url=request.build_absolute_uri(request.path), request=request
        )
    response = HttpResponse(body, content_type=feeds.CONTENT_TYPES[feed_format])
    response["Content-Language"] = language
    return response
