"""Safe outbound HTTP: fetch a URL that someone else typed in without letting it reach inside our network.

Hosts paste iCal links from Airbnb and Booking.com, and partners will register webhook endpoints; both
are URLs we did not choose. Fetching them naively is a server-side request forgery hole: a URL such as
``http://169.254.169.254/`` (the cloud metadata service), ``http://localhost:6379/`` or
``http://10.0.0.5/admin`` would make the platform talk to machines only it can reach. So every URL is
checked before we connect, and again after every redirect:

- only ``http`` and ``https``;
- a host is required, and user names or passwords in the URL (``user:pass@host``) are refused;
- the host is resolved with :func:`socket.getaddrinfo` and refused if *any* address it resolves to is
  not a public unicast address (private, loopback, link-local, multicast, reserved, unspecified,
  shared carrier-grade NAT, or an IPv6 address that embeds such an IPv4 address).

Known limit — DNS rebinding: we resolve the name to check it, then ``requests`` resolves it again to
connect. A hostile DNS server can answer with a public address the first time and a private one the
second. Closing that window means connecting to the checked address ourselves (pinning it, with the
TLS server name kept); for fetching calendars and sending webhooks we accept the window, since the
response of a rebound request is never shown back to whoever chose the URL.

Proxies from the environment (``HTTPS_PROXY``…) are honoured, so an egress proxy can add its own rules.
"""

import ipaddress
import socket
import time
from urllib.parse import urljoin, urlsplit

import requests
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from urllib3.exceptions import ReadTimeoutError

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}
REDIRECT_STATUS_CODES = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 3
CHUNK_SIZE = 64 * 1024
USER_AGENT = "SmartVillagePlatform/1.0 (+calendar and webhook client)"

# The NAT64 well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches the IPv4 address a.b.c.d.
_NAT64_NETWORK = ipaddress.IPv6Network("64:ff9b::/96")

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchError(Exception):
    """An outbound request failed; ``message`` is a sentence fit to show to the person who gave the URL.

    ``status_code`` is the HTTP status when the server answered with one that is not a success, so a
    caller can tell a retryable 5xx from a final 4xx (and a 410 Gone); it is ``None`` otherwise.
    """

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


class UnsafeURL(FetchError, ValueError):
    """The URL is not one we are willing to connect to (scheme, credentials, or a non-public address)."""


class ResponseTooLarge(FetchError):
    """The response body grew past the size the caller allowed; the download was stopped there."""


def describe_size(byte_count: int) -> str:
    """A byte count for people, in decimal units: ``1_000_000`` → ``"1 MB"``, ``1500`` → ``"1.5 kB"``."""
    for unit_size, unit_name in ((1_000_000_000, "GB"), (1_000_000, "MB"), (1_000, "kB")):
        if byte_count >= unit_size:
            return f"{byte_count / unit_size:.3g} {unit_name}"
    return ngettext("%(count)d byte", "%(count)d bytes", byte_count) % {"count": byte_count}


def _too_large(url: str, max_bytes: int) -> str:
    return _("The file at %(url)s is larger than %(size)s.") % {"url": url, "size": describe_size(max_bytes)}


def _embedded_ipv4_addresses(address: IPAddress) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses that an IPv6 address carries and routes to (mapped, 6to4, Teredo, NAT64)."""
    if address.version != 6:
        return []
    embedded = []
    if address.ipv4_mapped is not None:
        embedded.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        embedded.append(address.sixtofour)
    if address.teredo is not None:
        embedded.append(address.teredo[1])
    if address in _NAT64_NETWORK:
        embedded.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return embedded


def is_public_address(address: IPAddress) -> bool:
    """True for a globally routable unicast address; false for private, loopback, link-local and the rest.

    ``is_global`` alone is not enough: some multicast and reserved ranges count as global.
    """
    candidates = [address, *_embedded_ipv4_addresses(address)]
    return all(
        candidate.is_global and not candidate.is_multicast and not candidate.is_reserved
        for candidate in candidates
    )


def _parse_address(text: str) -> IPAddress:
    """``getaddrinfo`` gives link-local IPv6 addresses with a zone (``fe80::1%eth0``); drop the zone."""
    return ipaddress.ip_address(text.split("%", 1)[0])


def check_public_url(url: str, *, allow_private: bool = False) -> str:
    """Return ``url`` unchanged if it is safe to fetch, else raise :class:`UnsafeURL`.

    ``allow_private`` skips the address checks (and so the DNS lookup) for development and tests that
    talk to a local server; the scheme, host and credential checks still apply.
    """
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise UnsafeURL(_("The address “%(url)s” is not a valid URL.") % {"url": url}) from error
    scheme = parts.scheme.lower()
    if not scheme:
        raise UnsafeURL(_("The address must start with http:// or https://."))
    if scheme not in ALLOWED_SCHEMES:
        raise UnsafeURL(
            _("Only http:// and https:// addresses can be fetched, not %(scheme)s://.") % {"scheme": scheme}
        )
    if parts.username is not None or parts.password is not None:
        raise UnsafeURL(_("Addresses with a user name or password in them (user:pass@…) are not accepted."))
    host = parts.hostname
    if not host:
        raise UnsafeURL(_("The address “%(url)s” has no host name.") % {"url": url})
    if allow_private:
        return url
    try:
        resolved = socket.getaddrinfo(host, port or DEFAULT_PORTS[scheme], type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:  # socket.gaierror is an OSError; bad IDNA is a UnicodeError
        raise UnsafeURL(_("The host name “%(host)s” could not be found.") % {"host": host}) from error
    if not resolved:
        raise UnsafeURL(_("The host name “%(host)s” could not be found.") % {"host": host})
    for _family, _type, _protocol, _canonical_name, socket_address in resolved:
        try:
            address = _parse_address(socket_address[0])
        except ValueError as error:
            raise UnsafeURL(
                _("The host name “%(host)s” resolved to an address we cannot check.") % {"host": host}
            ) from error
        if not is_public_address(address):
            raise UnsafeURL(
                _(
                    "The host “%(host)s” points to a private or reserved network address (%(address)s); "
                    "only public internet addresses can be fetched."
                )
                % {"host": host, "address": address}
            )
    return url


def _read_body(response: requests.Response, *, max_bytes: int, deadline: float, url: str) -> bytes:
    """Read the streamed body, stopping as soon as it passes ``max_bytes`` or the total time runs out."""
    declared_length = response.headers.get("Content-Length", "")
    if declared_length.isdigit() and int(declared_length) > max_bytes:
        raise ResponseTooLarge(_too_large(url, max_bytes))
    chunks = []
    received = 0
    try:
        for chunk in response.iter_content(chunk_size=CHUNK_SIZE):
            received += len(chunk)
            if received > max_bytes:
                raise ResponseTooLarge(_too_large(url, max_bytes))
            if time.monotonic() > deadline:
                raise FetchError(_("The server at %(url)s was too slow to send the file.") % {"url": url})
            chunks.append(chunk)
    except requests.ConnectionError as error:
        # requests reports a read timeout while streaming as a ConnectionError wrapping urllib3's error.
        if error.args and isinstance(error.args[0], ReadTimeoutError):
            raise FetchError(
                _("The server at %(url)s was too slow to send the file.") % {"url": url}
            ) from error
        raise
    return b"".join(chunks)


def fetch_public(url: str, *, max_bytes: int, timeout: float = 10, allow_private: bool = False) -> bytes:
    """GET ``url`` and return its body, refusing unsafe addresses, oversized bodies and failures.

    - Redirects are followed by hand, at most three, and every ``Location`` is checked again with
      :func:`check_public_url` before we connect to it.
    - The body is streamed and the download stops with :class:`ResponseTooLarge` as soon as it passes
      ``max_bytes`` (a declared ``Content-Length`` over the limit stops it before reading). The limit
      counts decoded bytes, so a compressed bomb is stopped too.
    - ``timeout`` (seconds) bounds the connection and every read; the whole download of one response
      must also finish within it (checked between chunks), so a server dripping bytes cannot hold us.
    - A status outside 2xx raises :class:`FetchError` with ``status_code`` set; connection errors and
      timeouts raise :class:`FetchError` with ``status_code`` ``None``.

    See the module docstring for the DNS-rebinding window that remains.
    """
    if max_bytes <= 0:
        raise ValueError("max_bytes must be positive.")
    if timeout <= 0:
        raise ValueError("timeout must be positive.")
    current_url = url
    with requests.Session() as session:
        for _redirect_count in range(MAX_REDIRECTS + 1):
            check_public_url(current_url, allow_private=allow_private)
            try:
                with session.get(
                    current_url,
                    allow_redirects=False,
                    stream=True,
                    timeout=timeout,
                    headers={"User-Agent": USER_AGENT},
                ) as response:
                    if response.status_code in REDIRECT_STATUS_CODES:
                        location = response.headers.get("Location")
                        if not location:
                            raise FetchError(
                                _("The server at %(url)s redirected without saying where.")
                                % {"url": current_url},
                                status_code=response.status_code,
                            )
                        current_url = urljoin(current_url, location)
                        continue
                    if not 200 <= response.status_code < 300:
                        raise FetchError(
                            _("The server at %(url)s answered with HTTP status %(status)s.")
                            % {"url": current_url, "status": response.status_code},
                            status_code=response.status_code,
                        )
                    return _read_body(
                        response,
                        max_bytes=max_bytes,
                        deadline=time.monotonic() + timeout,
                        url=current_url,
                    )
            except requests.Timeout as error:
                raise FetchError(
                    _("The server at %(url)s did not answer in time.") % {"url": current_url}
                ) from error
            except requests.RequestException as error:
                raise FetchError(
                    _("Could not download %(url)s: the connection failed.") % {"url": current_url}
                ) from error
    raise FetchError(
        _("The address %(url)s redirected more than %(count)d times.") % {"url": url, "count": MAX_REDIRECTS}
    )
