"""One signed HTTP delivery, safe against server-side request forgery: the URL's addresses are
resolved and vetted at connect time (so DNS rebinding cannot swap in a private address), and the
connection goes to a vetted address with the original Host and TLS server name. One attempt has
one overall deadline, however slowly the receiver dribbles its answer."""

import contextlib
import email.utils
import ipaddress
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import urllib3
from standardwebhooks import Webhook as Signer
from urllib3.connection import HTTPConnection, HTTPSConnection

_METADATA_HOSTS = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
# IPv6 prefixes whose last 32 bits are an IPv4 address a translator or tunnel will reach.
_EMBEDDING_IPV4 = (ipaddress.ip_network("64:ff9b::/96"), ipaddress.ip_network("::/96"))
RESPONSE_EXCERPT_BYTES = 1024
# A receiver's Retry-After can push a retry back by at most this much (docs/webhooks.md).
RETRY_AFTER_CAP_SECONDS = 3600.0

Resolver = Callable[[str, int], list[str]]
Poster = Callable[[str, bytes, dict[str, str], float, bool], "PostResult"]


class UnsafeTarget(ValueError):
    pass


@dataclass(frozen=True)
class PostResult:
    status: int | None
    latency_ms: int
    error: str | None = None
    body: str | None = None
    retry_after: float | None = None

    @property
    def succeeded(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def vet_url(url: str, allow_insecure: bool) -> None:
    """https only (http too when the local stack allows it), and no literal unsafe address."""
    parts = urlsplit(url)
    if parts.scheme != "https" and not (allow_insecure and parts.scheme == "http"):
        raise UnsafeTarget("webhook URLs must be https")
    if not parts.hostname:
        raise UnsafeTarget("webhook URL has no host")
    try:
        vet_address(parts.hostname, allow_insecure)
    except ValueError as error:
        if isinstance(error, UnsafeTarget):
            raise
        # a host name, not a literal address: vetted when it is resolved


def vet_address(address: str, allow_insecure: bool) -> None:
    ip = ipaddress.ip_address(address)
    if allow_insecure and ip.is_loopback:
        return
    if ip in _METADATA_HOSTS or not ip.is_global or ip.is_multicast:
        raise UnsafeTarget(f"{address} is not a public address")
    for embedded in _embedded_ipv4(ip):
        if embedded in _METADATA_HOSTS or not embedded.is_global or embedded.is_multicast:
            raise UnsafeTarget(f"{address} embeds {embedded}, which is not a public address")


def _embedded_ipv4(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address leads to: IPv4-mapped, IPv4-compatible, NAT64, 6to4, Teredo."""
    if ip.version == 4:
        return []
    assert isinstance(ip, ipaddress.IPv6Address)
    found = [a for a in (ip.ipv4_mapped, ip.sixtofour) if a is not None]
    if ip.teredo:
        found += list(ip.teredo)
    if any(ip in network for network in _EMBEDDING_IPV4):
        found.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return found


def sign(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """The webhook-signature header: one v1 signature per live secret, space-separated."""
    return " ".join(Signer(secret).sign(message_id, timestamp, body) for secret in secrets)


def resolve(host: str, port: int) -> list[str]:
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


def connect_order(addresses: list[str]) -> list[str]:
    """IPv4 first (many receivers publish an AAAA they do not serve), then IPv6; each family in the
    resolver's order, each address once."""
    unique = list(dict.fromkeys(addresses))
    return [a for a in unique if ipaddress.ip_address(a).version == 4] + [
        a for a in unique if ipaddress.ip_address(a).version == 6
    ]


def post(
    url: str,
    body: bytes,
    headers: dict[str, str],
    deadline_seconds: float,
    allow_insecure: bool,
    resolver: Resolver = resolve,
) -> PostResult:
    """POST within `deadline_seconds` overall: connecting (trying each vetted address in turn),
    sending and reading the answer. A socket timeout bounds one read, not the whole exchange, so a
    watchdog shuts the socket down when the deadline passes."""
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    def remaining() -> float:
        return deadline_seconds - (time.monotonic() - started)

    try:
        vet_url(url, allow_insecure)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        addresses = resolver(host, port)
        for address in addresses:
            vet_address(address, allow_insecure)
        if not addresses:
            return PostResult(None, elapsed(), f"{host} has no address")
        connection, errors = None, []
        candidates = connect_order(addresses)
        for index, address in enumerate(candidates):
            if remaining() <= 0:
                break
            # Each address gets an equal share of the time left, so one that never answers
            # cannot use up the time of those after it.
            connect_timeout = remaining() / (len(candidates) - index)
            candidate = _connection(parts.scheme, address, port, host, connect_timeout)
            try:
                candidate.connect()
            except (urllib3.exceptions.HTTPError, OSError) as error:
                errors.append(f"{address}: {type(error).__name__}: {error}")
                candidate.close()
                continue
            connection = candidate
            break
        if connection is None:
            reason = "; ".join(errors) or "no time left to connect"
            return PostResult(None, elapsed(), f"could not connect: {reason}"[:RESPONSE_EXCERPT_BYTES])
        return _exchange(connection, parts, host, body, headers, remaining(), elapsed)
    except UnsafeTarget as error:
        return PostResult(None, elapsed(), f"refused: {error}")
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return PostResult(None, elapsed(), f"{type(error).__name__}: {error}")


def _connection(scheme: str, address: str, port: int, host: str, timeout: float) -> HTTPConnection:
    if scheme == "https":
        return HTTPSConnection(
            address, port, timeout=timeout, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED"
        )
    return HTTPConnection(address, port, timeout=timeout)


def _exchange(
    connection: HTTPConnection,
    parts: Any,
    host: str,
    body: bytes,
    headers: dict[str, str],
    time_left: float,
    elapsed: Callable[[], int],
) -> PostResult:
    expired = threading.Event()

    def cut_off() -> None:
        expired.set()
        if connection.sock is not None:
            with contextlib.suppress(OSError):  # already closed
                connection.sock.shutdown(socket.SHUT_RDWR)

    if connection.sock is not None:  # it was connected with its share of the time: reads get the rest
        connection.sock.settimeout(max(0.001, time_left))
    watchdog = threading.Timer(max(0.0, time_left), cut_off)
    watchdog.daemon = True
    watchdog.start()
    try:
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        connection.request("POST", path, body=body, headers={**headers, "Host": host_header}, preload_content=False)
        response = connection.getresponse()
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode(errors="replace")
        if expired.is_set():  # what was read was cut short: not an answer
            raise TimeoutError()
        return PostResult(
            response.status, elapsed(), None, excerpt, parse_retry_after(response.headers.get("Retry-After"))
        )
    except (urllib3.exceptions.HTTPError, OSError, ValueError) as error:
        if expired.is_set():
            return PostResult(None, elapsed(), f"deadline exceeded: no complete answer within {time_left:.0f} s")
        return PostResult(None, elapsed(), f"{type(error).__name__}: {error}")
    finally:
        watchdog.cancel()
        connection.close()


def parse_retry_after(value: str | None, now: Callable[[], datetime] = lambda: datetime.now(UTC)) -> float | None:
    """Seconds to wait, from delta-seconds or an HTTP date, capped at RETRY_AFTER_CAP_SECONDS;
    None when absent or meaningless (then our own schedule applies)."""
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            moment = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=UTC)
        seconds = (moment - now()).total_seconds()
    if math.isnan(seconds):
        return None
    return min(RETRY_AFTER_CAP_SECONDS, max(0.0, seconds))
