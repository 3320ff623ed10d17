"""One signed HTTP delivery, safe against server-side request forgery: the URL's addresses are
resolved and vetted at connect time (so DNS rebinding cannot swap in a private address), and the
connection goes to the vetted address with the original Host and TLS server name."""

import ipaddress
import socket
import time
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

import urllib3
from standardwebhooks import Webhook as Signer

_METADATA_HOSTS = {ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")}
RESPONSE_EXCERPT_BYTES = 1024


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


def sign(secrets: list[str], message_id: str, timestamp: datetime, body: str) -> str:
    """The webhook-signature header: one v1 signature per live secret, space-separated."""
    return " ".join(Signer(secret).sign(message_id, timestamp, body) for secret in secrets)


def post(url: str, body: bytes, headers: dict[str, str], timeout: float, allow_insecure: bool) -> PostResult:
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        vet_url(url, allow_insecure)
        parts = urlsplit(url)
        host = parts.hostname or ""
        port = parts.port or (443 if parts.scheme == "https" else 80)
        resolved = {info[4][0] for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)}
        for address in resolved:
            vet_address(str(address), allow_insecure)
        target = str(sorted(resolved)[0])
        pool: urllib3.HTTPConnectionPool
        if parts.scheme == "https":
            pool = urllib3.HTTPSConnectionPool(
                target, port, server_hostname=host, assert_hostname=host, cert_reqs="CERT_REQUIRED"
            )
        else:
            pool = urllib3.HTTPConnectionPool(target, port)
        path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        host_header = host if parts.port is None else f"{host}:{parts.port}"
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers={**headers, "Host": host_header},
            timeout=urllib3.Timeout(total=timeout),
            retries=False,
            redirect=False,
            preload_content=False,
        )
        excerpt = response.read(RESPONSE_EXCERPT_BYTES).decode(errors="replace")
        response.release_conn()
        return PostResult(response.status, elapsed(), None, excerpt, _retry_after(response.headers.get("Retry-After")))
    except UnsafeTarget as error:
        return PostResult(None, elapsed(), f"refused: {error}")
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return PostResult(None, elapsed(), f"{type(error).__name__}: {error}")


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: fall back to our schedule
