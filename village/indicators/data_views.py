"""Open-data downloads: ``/<lang>/indicators/data.csv`` and ``data.json``, no sign-in.

The rows come from :func:`village.indicators.selectors.data_rows` and are written with
:func:`village.indicators.data_filters.format_row`, like ``/api/v1/indicators/values/``, so a download
always equals the API. Names follow the address's language (``/en/`` → English). Both answers carry
``Last-Modified`` (the freshest value anywhere) and answer ``If-Modified-Since`` with 304 before any row is
read; any origin may read them (``Access-Control-Allow-Origin: *``). Bad filters are a 400 (plain text for
the CSV, the API's error shape for the JSON).
"""

import csv
import io
import json
from email.utils import parsedate_to_datetime

from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.http import http_date
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from . import selectors
from .data_filters import DataFilterForm, csv_cells, format_row, licence_block

BOM = "\ufeff"


def _open(response: HttpResponse) -> HttpResponse:
    # like the API ("private, no-cache"): revalidated each time (a cheap 304), and kept out of the
    # anonymous page cache, whose generation moves with pages, not with values
    response["Cache-Control"] = "private, no-cache"
    response["Access-Control-Allow-Origin"] = "*"
    response["Access-Control-Expose-Headers"] = "Last-Modified, Content-Disposition"
    return response


def _refused(form: DataFilterForm, *, as_json: bool) -> HttpResponse:
    messages = form.error_messages()
    if as_json:
        body = {
            "status": 400,
            "code": "invalid",
            "message": _("Some inputs are not valid."),
            "fields": messages,
        }
        return _open(JsonResponse({"error": body}, status=400))
    text = "\n".join(f"{name}: {' '.join(texts)}" for name, texts in messages.items())
    return _open(HttpResponse(text + "\n", status=400, content_type="text/plain; charset=utf-8"))


def _not_modified(request, modified) -> bool:
    header = request.headers.get("If-Modified-Since")
    if not header or modified is None:
        return False
    try:
        since = parsedate_to_datetime(header)
    except (TypeError, ValueError, IndexError, OverflowError):
        return False
    if since.tzinfo is None:
        return False
    return int(modified.timestamp()) <= since.timestamp()


def _answer(request, *, as_json: bool) -> HttpResponse:
    language = (get_language() or "vi")[:2]
    form = DataFilterForm(request.GET, language=language)
    if not form.is_valid():
        return _refused(form, as_json=as_json)
    modified = selectors.values_last_updated()
    if _not_modified(request, modified):
        response = _open(HttpResponse(status=304))
        response["Last-Modified"] = http_date(modified.timestamp())
        return response
    rows = selectors.data_rows(**form.data_rows_kwargs())
    name = f"svp-indicators-{form.scope()}-{timezone.localdate():%Y%m%d}"
    if as_json:
        body = {**licence_block(rows), "count": len(rows), "fields": list(selectors.DATA_FIELDS)}
        body["data"] = [format_row(row) for row in rows]
        response = HttpResponse(
            json.dumps(body, ensure_ascii=False), content_type="application/json; charset=utf-8"
        )
        response["Content-Disposition"] = f'inline; filename="{name}.json"'
    else:
        buffer = io.StringIO()
        buffer.write(BOM)
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(selectors.DATA_FIELDS)
        writer.writerows(csv_cells(row) for row in rows)
        response = HttpResponse(buffer.getvalue().encode("utf-8"), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    if modified is not None:
        response["Last-Modified"] = http_date(modified.timestamp())
    response["Content-Language"] = language
    return _open(response)


@require_safe
def data_csv(request):
    return _answer(request, as_json=False)


@require_safe
def data_json(request):
    return _answer(request, as_json=True)
