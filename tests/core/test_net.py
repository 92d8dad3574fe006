"""Safe outbound HTTP: URLs typed by hosts and partners must not reach private networks.

No network: host names are answered by a fake resolver (IP literals are parsed without DNS), and the
fetch tests talk to a real HTTP server started on 127.0.0.1 for the test.
"""

import http.server
import io
import ipaddress
import socket
import threading
import time

import pytest
import requests
from django.utils import translation

from core.net import (
    FetchError,
    ResponseTooLarge,
    UnsafeURL,
    check_public_url,
    describe_size,
    fetch_public,
)

_REAL_GETADDRINFO = socket.getaddrinfo
CALENDAR_BODY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"


@pytest.fixture(autouse=True)
def _messages_in_english():
    """The messages are translated; these tests read them in English."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def fake_dns(monkeypatch):
    """Answer host names from a table; parse IP literals (even ``2130706433``) without any DNS query."""
    table: dict[str, list[str]] = {"localhost": ["127.0.0.1", "::1"]}

    def getaddrinfo(host, port, family=0, type=0, proto=0, flags=0):
        if host in table:
            return [
                (
                    socket.AF_INET6 if ipaddress.ip_address(address).version == 6 else socket.AF_INET,
                    socket.SOCK_STREAM,
                    socket.IPPROTO_TCP,
                    "",
                    (address, port),
                )
                for address in table[host]
            ]
        return _REAL_GETADDRINFO(host, port, family, type, proto, flags | socket.AI_NUMERICHOST)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return table


# --- check_public_url ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("ftp://example.com/calendar.ics", id="ftp"),
        pytest.param("file:///etc/passwd", id="file"),
        pytest.param("gopher://example.com/", id="gopher"),
        pytest.param("example.com/calendar.ics", id="no-scheme"),
        pytest.param("http:///calendar.ics", id="no-host"),
        pytest.param("http://user:pw@example.com/", id="credentials"),
        pytest.param("http://token@example.com/", id="user-only"),
        pytest.param("http://example.com:99999/", id="bad-port"),
        pytest.param("http://127.0.0.1/", id="loopback"),
        pytest.param("http://127.1.2.3:8000/", id="loopback-range"),
        pytest.param("http://2130706433/", id="loopback-as-integer"),
        pytest.param("http://10.0.0.5/", id="private-10"),
        pytest.param("http://172.16.0.1/", id="private-172"),
        pytest.param("http://192.168.1.1/", id="private-192"),
        pytest.param("http://100.64.0.1/", id="carrier-grade-nat"),
        pytest.param("http://169.254.169.254/latest/meta-data/", id="cloud-metadata"),
        pytest.param("http://0.0.0.0/", id="unspecified"),
        pytest.param("http://224.0.0.1/", id="multicast"),
        pytest.param("http://240.0.0.1/", id="reserved"),
        pytest.param("http://[::1]/", id="ipv6-loopback"),
        pytest.param("http://[fe80::1]/", id="ipv6-link-local"),
        pytest.param("http://[fd00::1]/", id="ipv6-unique-local"),
        pytest.param("http://[::ffff:127.0.0.1]/", id="ipv4-mapped-loopback"),
        pytest.param("http://[2002:a00:1::]/", id="6to4-of-private"),
        pytest.param("http://localhost/", id="localhost"),
        pytest.param("http://LOCALHOST:8000/admin", id="localhost-upper-case"),
    ],
)
def test_unsafe_urls_are_refused(url):
    # given a URL that is not plain http(s) to a public address
    # when it is checked
    with pytest.raises(UnsafeURL) as refused:
        check_public_url(url)

    # then it is refused with a sentence that can be shown to the person who typed it
    assert refused.value.message
    assert refused.value.message.endswith(".")


@pytest.mark.parametrize(
    "url",
    [
        "http://93.184.216.34/cal.ics",
        "https://93.184.216.34:8443/cal.ics?token=abc",
        "https://[2606:2800:220:1:248:1893:25c8:1946]/cal.ics",
    ],
)
def test_public_ip_literals_are_accepted_unchanged(url):
    # given a URL to a public address
    # when it is checked
    # then the same URL comes back
    assert check_public_url(url) == url


def test_host_name_is_judged_by_the_addresses_it_resolves_to(fake_dns):
    # given calendar.example resolving to a private address, then to a public one
    url = "https://calendar.example/export.ics"
    fake_dns["calendar.example"] = ["10.1.2.3"]

    # when it is checked against each answer
    with pytest.raises(UnsafeURL) as refused:
        check_public_url(url)
    fake_dns["calendar.example"] = ["93.184.216.34"]
    accepted = check_public_url(url)

    # then the private answer is refused, naming the address, and the public one accepted
    assert "10.1.2.3" in refused.value.message
    assert accepted == url


def test_host_name_is_refused_when_any_of_its_addresses_is_private(fake_dns):
    # given a name with a public IPv4 address and a loopback IPv6 address
    fake_dns["calendar.example"] = ["93.184.216.34", "::1"]

    # when it is checked
    # then it is refused
    with pytest.raises(UnsafeURL):
        check_public_url("https://calendar.example/export.ics")


def test_unknown_host_name_is_refused_clearly():
    # given a name that does not resolve
    # when it is checked
    with pytest.raises(UnsafeURL) as refused:
        check_public_url("https://no-such-host.invalid/calendar.ics")

    # then the message says the host could not be found
    assert "could not be found" in refused.value.message


def test_allow_private_skips_only_the_address_checks():
    # given private addresses, and allow_private for a local development server
    # when they are checked with allow_private
    # then the addresses pass but scheme and credentials are still refused
    assert check_public_url("http://127.0.0.1:8000/cal.ics", allow_private=True)
    assert check_public_url("http://10.0.0.5/", allow_private=True)
    with pytest.raises(UnsafeURL):
        check_public_url("file:///etc/passwd", allow_private=True)
    with pytest.raises(UnsafeURL):
        check_public_url("http://user:pw@127.0.0.1/", allow_private=True)


def test_error_hierarchy():
    # given the three errors
    # when one is raised
    # then callers can catch every fetch failure at once, and UnsafeURL is also a ValueError
    assert issubclass(UnsafeURL, FetchError)
    assert issubclass(UnsafeURL, ValueError)
    assert issubclass(ResponseTooLarge, FetchError)
    error = FetchError("The server answered with HTTP status 503.", status_code=503)
    assert (error.message, error.status_code, str(error)) == (
        "The server answered with HTTP status 503.",
        503,
        "The server answered with HTTP status 503.",
    )


@pytest.mark.parametrize(
    ("byte_count", "words"),
    [(1, "1 byte"), (999, "999 bytes"), (1_500, "1.5 kB"), (1_000_000, "1 MB"), (2_500_000_000, "2.5 GB")],
)
def test_sizes_are_described_in_words(byte_count, words):
    assert describe_size(byte_count) == words


# --- fetch_public against a local server -----------------------------------------------------------


class _QuietServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        """A client that gave up (timeout tests) breaks the pipe; that is expected, not news."""


class _Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        """Keep the test output clean."""

    def _send(self, status: int, body: bytes = b"", headers: dict[str, str] | None = None) -> None:
        self.send_response(status)
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if "Content-Length" not in (headers or {}) and status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        self.server.paths.append(self.path)
        match self.path:
            case "/calendar.ics":
                self._send(200, CALENDAR_BODY, {"Content-Type": "text/calendar"})
            case "/large-declared":
                self._send(200, b"x" * 10_000)
            case "/large-undeclared":
                # no Content-Length: the body runs until the connection closes
                self.send_response(200)
                self.end_headers()
                for _chunk in range(10):
                    self.wfile.write(b"x" * 1_000)
            case "/missing":
                self._send(404, b"Not found")
            case "/gone":
                self._send(410, b"Gone")
            case "/redirect-here":
                self._send(302, headers={"Location": "/calendar.ics"})
            case "/redirect-ftp":
                self._send(302, headers={"Location": "ftp://x/calendar.ics"})
            case "/redirect-loop":
                self._send(301, headers={"Location": "/redirect-loop"})
            case "/redirect-nowhere":
                self._send(302)
            case "/slow":
                time.sleep(2)
                self._send(200, CALENDAR_BODY)
            case "/slow-body":
                self.send_response(200)
                self.send_header("Content-Length", "100")
                self.end_headers()
                self.wfile.write(b"x" * 10)
                self.wfile.flush()
                time.sleep(2)
                self.wfile.write(b"x" * 90)
            case _:
                self._send(500, b"unexpected path")


@pytest.fixture
def local_server():
    """A real HTTP server on 127.0.0.1; ``server.paths`` lists the paths it was asked for."""
    server = _QuietServer(("127.0.0.1", 0), _Handler)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)


def url_of(server, path: str) -> str:
    host, port = server.server_address[:2]
    return f"http://{host}:{port}{path}"


def test_fetch_returns_the_body_of_a_successful_response(local_server):
    # given a calendar served locally
    # when it is fetched
    body = fetch_public(url_of(local_server, "/calendar.ics"), max_bytes=1_000, allow_private=True)

    # then the body comes back as bytes
    assert body == CALENDAR_BODY


def test_fetch_refuses_the_local_server_without_allow_private(local_server):
    # given the same local server
    # when it is fetched without allow_private
    with pytest.raises(UnsafeURL):
        fetch_public(url_of(local_server, "/calendar.ics"), max_bytes=1_000)

    # then no request reached it
    assert local_server.paths == []


@pytest.mark.parametrize("path", ["/large-declared", "/large-undeclared"])
def test_body_over_the_limit_stops_the_download(local_server, path):
    # given a 10 kB body, with and without a Content-Length header
    # when it is fetched with a 4 kB limit
    with pytest.raises(ResponseTooLarge) as too_large:
        fetch_public(url_of(local_server, path), max_bytes=4_000, allow_private=True)

    # then it is refused with the limit in words
    assert "larger than 4 kB" in too_large.value.message


def test_body_exactly_at_the_limit_is_accepted(local_server):
    # given a 10 kB body
    # when it is fetched with a limit of exactly 10 kB
    body = fetch_public(url_of(local_server, "/large-undeclared"), max_bytes=10_000, allow_private=True)

    # then it is returned whole
    assert len(body) == 10_000


@pytest.mark.parametrize(("path", "status_code"), [("/missing", 404), ("/gone", 410)])
def test_error_status_raises_fetch_error_with_the_status(local_server, path, status_code):
    # given a URL answering with a client error
    # when it is fetched
    with pytest.raises(FetchError) as failed:
        fetch_public(url_of(local_server, path), max_bytes=1_000, allow_private=True)

    # then the error carries the status, for callers that retry 5xx and stop on 4xx
    assert failed.value.status_code == status_code
    assert str(status_code) in failed.value.message
    assert not isinstance(failed.value, UnsafeURL | ResponseTooLarge)


def test_redirect_is_followed_after_being_checked(local_server):
    # given a redirect to another path on the same server
    # when it is fetched
    body = fetch_public(url_of(local_server, "/redirect-here"), max_bytes=1_000, allow_private=True)

    # then the target's body comes back
    assert body == CALENDAR_BODY
    assert local_server.paths == ["/redirect-here", "/calendar.ics"]


def test_redirect_to_an_unsafe_scheme_is_refused(local_server):
    # given a redirect to ftp://
    # when it is fetched
    with pytest.raises(UnsafeURL):
        fetch_public(url_of(local_server, "/redirect-ftp"), max_bytes=1_000, allow_private=True)

    # then only the first request was made
    assert local_server.paths == ["/redirect-ftp"]


def test_redirect_loop_stops_after_three_redirects(local_server):
    # given a path redirecting to itself
    # when it is fetched
    with pytest.raises(FetchError) as failed:
        fetch_public(url_of(local_server, "/redirect-loop"), max_bytes=1_000, allow_private=True)

    # then the first request and three redirects were made, and no more
    assert "more than 3 times" in failed.value.message
    assert local_server.paths == ["/redirect-loop"] * 4


def test_redirect_without_location_is_a_fetch_error(local_server):
    # given a 302 without a Location header
    # when it is fetched
    # then it fails
    with pytest.raises(FetchError) as failed:
        fetch_public(url_of(local_server, "/redirect-nowhere"), max_bytes=1_000, allow_private=True)
    assert failed.value.status_code == 302


def test_redirect_from_a_public_address_to_a_private_one_is_refused(monkeypatch):
    # given a public server (simulated: no network) that redirects to the cloud metadata address
    requested = []

    def fake_get(session, url, **options):
        requested.append((url, options["allow_redirects"]))
        response = requests.Response()
        response.status_code = 302
        response.headers["Location"] = "http://169.254.169.254/latest/meta-data/"
        response.raw = io.BytesIO(b"")
        response.url = url
        return response

    monkeypatch.setattr(requests.Session, "get", fake_get)

    # when the public URL is fetched
    with pytest.raises(UnsafeURL) as refused:
        fetch_public("http://93.184.216.34/cal.ics", max_bytes=1_000)

    # then the redirect target is refused and never requested
    assert "169.254.169.254" in refused.value.message
    assert requested == [("http://93.184.216.34/cal.ics", False)]


def test_server_that_does_not_answer_in_time_is_a_fetch_error(local_server):
    # given a server that waits 2 s before answering
    started = time.monotonic()

    # when it is fetched with a 0.5 s timeout
    with pytest.raises(FetchError) as failed:
        fetch_public(url_of(local_server, "/slow"), max_bytes=1_000, timeout=0.5, allow_private=True)

    # then it fails quickly, saying it was too slow
    assert time.monotonic() - started < 1.8
    assert "in time" in failed.value.message
    assert failed.value.status_code is None


def test_server_that_stalls_in_the_body_is_a_fetch_error(local_server):
    # given a server that sends 10 of 100 bytes and then waits 2 s
    # when it is fetched with a 0.5 s timeout
    with pytest.raises(FetchError) as failed:
        fetch_public(url_of(local_server, "/slow-body"), max_bytes=1_000, timeout=0.5, allow_private=True)

    # then it fails, saying it was too slow
    assert "too slow" in failed.value.message


def test_refused_connection_is_a_fetch_error():
    # given a local port nobody listens on
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    # when it is fetched
    with pytest.raises(FetchError) as failed:
        fetch_public(f"http://127.0.0.1:{port}/cal.ics", max_bytes=1_000, timeout=2, allow_private=True)

    # then the failure is a FetchError, not a requests exception
    assert "connection failed" in failed.value.message
    assert isinstance(failed.value.__cause__, requests.ConnectionError)
