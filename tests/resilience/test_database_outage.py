"""The database is unreachable for a moment: pages and the API answer 503 with ``Retry-After`` (a page
in the visitor's language, the API's JSON error shape), never a stack trace; the error is logged with
the request id; and the next request is served again without a restart.

On PostgreSQL the connection is broken for real (its server process is terminated from a second
connection); on any database a query is made to fail as a lost connection does."""

import logging

import pytest
from django.db import OperationalError, connection
from django.utils import translation
from django.utils.translation import gettext

from core.logs import RequestIdFilter

HOME = "/en/"
PRODUCTS = "/api/v1/products/"


def lose_the_connection(execute, sql, params, many, context):
    raise OperationalError("server closed the connection unexpectedly\n\tThis probably means the server…")


@pytest.fixture
def resilience_log(caplog):
    caplog.set_level(logging.ERROR, logger="core.resilience")
    caplog.handler.addFilter(RequestIdFilter())
    return caplog


def vietnamese(text: str) -> str:
    """The API speaks the default language (Vietnamese) to a client that asks for none."""
    with translation.override("vi"):
        return gettext(text)


def outage_lines(caplog) -> list[tuple[str, str]]:
    return [
        (record.getMessage(), record.request_id)
        for record in caplog.records
        if record.name == "core.resilience" and record.getMessage().startswith("database unavailable")
    ]


@pytest.mark.django_db
def test_a_page_and_the_api_answer_503_with_retry_after_while_the_database_is_lost_then_recover(
    client, api_client, site_tree, tea, resilience_log
):
    assert client.get(HOME).status_code == 200

    # when every query fails as with a lost connection
    with connection.execute_wrapper(lose_the_connection):
        page = client.get(HOME)
        answer = api_client.get(PRODUCTS)

    # then the page is a 503 in the visitor's language, with Retry-After and no stack trace
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    assert page["Content-Type"].startswith("text/html")
    assert page["Cache-Control"] == "no-store"
    html = page.text
    assert '<html lang="en">' in html
    assert "Briefly unavailable" in html and "Please try again in 10 seconds." in html
    assert "Traceback" not in html and "server closed" not in html and "OperationalError" not in html
    # and the API answers its own error shape
    assert answer.status_code == 503
    assert answer["Retry-After"] == "10"
    assert answer.json() == {
        "error": {
            "status": 503,
            "code": "service_unavailable",
            "message": vietnamese("The service is briefly unavailable; try again in a few seconds."),
        }
    }
    # and each is logged once, with its request id and the error, for the operator
    assert outage_lines(resilience_log) == [
        (
            "database unavailable: OperationalError: server closed the connection unexpectedly "
            f"(GET {HOME} answered 503)",
            page["X-Request-ID"],
        ),
        (
            "database unavailable: OperationalError: server closed the connection unexpectedly "
            f"(GET {PRODUCTS} answered 503)",
            answer["X-Request-ID"],
        ),
    ]

    # when the database is back, the very next requests are served
    assert client.get(HOME).status_code == 200
    again = api_client.get(PRODUCTS)
    assert again.status_code == 200
    assert [item["id"] for item in again.json()["results"]] == [tea.pk]


@pytest.mark.django_db
def test_an_error_that_is_not_the_database_is_not_turned_into_a_503(client, site_tree, monkeypatch):
    from village.models import HomePage

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(HomePage, "serve", broken)
    client.raise_request_exception = False
    response = client.get(HOME)
    assert response.status_code == 500
    assert "Retry-After" not in response


def backend_pid() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def terminate_from_another_connection(pid: int) -> None:
    import psycopg

    settings = connection.settings_dict
    with psycopg.connect(
        host=settings["HOST"] or None,
        port=settings["PORT"] or None,
        user=settings["USER"] or None,
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    ) as other:
        other.execute("SELECT pg_terminate_backend(%s)", [pid])


@pytest.mark.django_db(transaction=True)
def test_postgresql_killed_connection_gives_one_503_and_the_next_request_reconnects(
    postgres, client, site_tree, resilience_log
):
    # given a page served over a live connection
    assert client.get(HOME).status_code == 200
    pid = backend_pid()

    # when PostgreSQL drops that connection (a restart, a failover, an administrator)
    terminate_from_another_connection(pid)
    page = client.get(HOME)

    # then the visitor gets a 503 with Retry-After, not a stack trace
    assert page.status_code == 503
    assert page["Retry-After"] == "10"
    assert "Briefly unavailable" in page.text and "Traceback" not in page.text
    ((message, request_id),) = outage_lines(resilience_log)
    assert message.startswith("database unavailable: OperationalError: ")
    assert request_id == page["X-Request-ID"]
    # and the broken connection was closed, so the next request opens a new one and is served
    assert connection.connection is None
    assert client.get(HOME).status_code == 200
    assert backend_pid() != pid
