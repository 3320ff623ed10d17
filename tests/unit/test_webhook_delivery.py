import contextlib
import socket
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from standardwebhooks import Webhook as Verifier

from kb.webhooks.delivery import (
    RETRY_AFTER_CAP_SECONDS,
    UnsafeTarget,
    connect_order,
    parse_retry_after,
    post,
    sign,
    vet_address,
    vet_url,
)
from kb.webhooks.models import subscribed
from kb.webhooks.secrets import new_secret
from local.template import read_template
from tests.helpers import ROOT


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "::1",
        "fd00:ec2::254",
        "0.0.0.0",  # noqa: S104 - an address to refuse, not to bind
        "224.0.0.1",
    ],
)
def test_private_loopback_link_local_and_metadata_addresses_are_refused(address):
    with pytest.raises(UnsafeTarget):
        vet_address(address, allow_insecure=False)


def test_public_addresses_are_allowed():
    vet_address("93.184.216.34", allow_insecure=False)
    vet_address("2606:2800:220:1:248:1893:25c8:1946", allow_insecure=False)


def test_the_insecure_setting_allows_loopback_and_nothing_else_private():
    vet_address("127.0.0.1", allow_insecure=True)
    with pytest.raises(UnsafeTarget):
        vet_address("10.0.0.1", allow_insecure=True)


def test_only_https_urls_unless_insecure_is_allowed():
    with pytest.raises(UnsafeTarget):
        vet_url("http://example.com/hook", allow_insecure=False)
    vet_url("https://example.com/hook", allow_insecure=False)
    vet_url("http://127.0.0.1:8080/hook", allow_insecure=True)


def test_signatures_verify_with_the_standardwebhooks_package_for_every_secret():
    # Given two live secrets (a rotation's overlap)
    old, new = new_secret(), new_secret()
    timestamp = datetime.now(UTC).replace(microsecond=0)
    body = '{"id":"evt_1","type":"webhook.test","timestamp":"t","data":{}}'
    # When signed with both
    header = sign([new, old], "msg_1", timestamp, body)
    headers = {"webhook-id": "msg_1", "webhook-timestamp": str(int(timestamp.timestamp())), "webhook-signature": header}
    # Then the header holds two v1 signatures and each secret verifies it
    assert len(header.split(" ")) == 2
    for secret in (old, new):
        assert Verifier(secret).verify(body, headers)["id"] == "evt_1"


def test_subscriptions_match_exact_types_families_and_everything():
    assert subscribed(["content.*"], "content.created")
    assert subscribed(["*"], "run.completed")
    assert subscribed(["generation.published"], "generation.published")
    assert not subscribed(["content.*"], "generation.published")


def test_a_host_name_that_resolves_to_a_private_address_is_refused_at_connect_time():
    # localhost passes the URL check (it is a name) but resolves to loopback
    result = post("https://localhost:9/hook", b"{}", {}, deadline_seconds=1, allow_insecure=False)
    assert result.status is None and result.error is not None and result.error.startswith("refused")


@pytest.mark.parametrize("function", ["FanOutWebhooksFunction", "DeliverWebhookFunction"])
def test_the_webhook_functions_may_touch_only_subscriptions_and_the_delivery_log(function):
    policies = read_template(ROOT).document["Resources"][function]["Properties"]["Policies"]
    names = [next(iter(p)) for p in policies]
    assert "DynamoDBCrudPolicy" not in names and "DynamoDBReadPolicy" not in names
    assert not any(n.startswith("S3") for n in names)
    (table_statement,) = [
        s for p in policies if "Statement" in p for s in p["Statement"] if "dynamodb" in str(s["Action"])
    ]
    assert table_statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [
        "WEBHOOKS#*",
        "WEBHOOK#*",
    ]


@pytest.mark.parametrize(
    "address",
    [
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "64:ff9b::a9fe:a9fe",  # NAT64 of the instance metadata address
        "64:ff9b::7f00:1",  # NAT64 of loopback
        "::a00:1",  # IPv4-compatible 10.0.0.1
        "::a9fe:a9fe",  # IPv4-compatible 169.254.169.254
        "::ffff:10.0.0.1",  # IPv4-mapped
        "::ffff:169.254.169.254",
        "2002:a00:1::",  # 6to4 of 10.0.0.1
        "2002:a9fe:a9fe::1",  # 6to4 of the metadata address
        "2001:0:4136:e378:8000:63bf:f5ff:fffe",  # Teredo, client 10.0.0.1
    ],
)
def test_ipv6_addresses_that_embed_an_unsafe_ipv4_address_are_refused(address):
    with pytest.raises(UnsafeTarget):
        vet_address(address, allow_insecure=False)


def test_ipv6_addresses_that_embed_a_public_ipv4_address_are_allowed():
    vet_address("64:ff9b::808:808", allow_insecure=False)  # NAT64 of 8.8.8.8


def test_a_literal_url_with_an_embedded_private_address_is_refused_when_subscribing():
    with pytest.raises(UnsafeTarget):
        vet_url("https://[64:ff9b::a00:1]/hook", allow_insecure=False)


@pytest.mark.parametrize("value", ["inf", "1e12", "99999999", "Infinity"])
def test_a_huge_retry_after_is_capped(value):
    assert parse_retry_after(value) == RETRY_AFTER_CAP_SECONDS


@pytest.mark.parametrize(("value", "expected"), [("2", 2.0), ("-5", 0.0), ("nan", None), ("soon", None), (None, None)])
def test_retry_after_seconds_are_read_and_nonsense_ignored(value, expected):
    assert parse_retry_after(value) == expected


def test_a_retry_after_date_is_seconds_from_now():
    # Given a fixed clock
    now = datetime(2026, 11, 22, 12, 0, 0, tzinfo=UTC)
    # Then an HTTP date 90 s later means 90 s, and one days later is capped
    assert parse_retry_after("Sun, 22 Nov 2026 12:01:30 GMT", now=lambda: now) == 90.0
    assert parse_retry_after("Mon, 23 Nov 2026 12:00:00 GMT", now=lambda: now) == RETRY_AFTER_CAP_SECONDS


def test_ipv4_addresses_are_tried_first_in_resolver_order():
    resolved = ["2606:2800::1", "93.184.216.34", "2606:2800::2", "93.184.216.35", "93.184.216.34"]
    assert connect_order(resolved) == ["93.184.216.34", "93.184.216.35", "2606:2800::1", "2606:2800::2"]


@pytest.fixture
def loopback_receiver() -> Iterator[ThreadingHTTPServer]:
    """Answers 200 on 127.0.0.1 only: 127.0.0.2 on the same port refuses connections."""

    class Ok(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("content-length") or 0))
            self.send_response(200)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Ok)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.shutdown()


def test_a_refused_address_falls_back_to_the_next_vetted_one(loopback_receiver):
    # Given a name that resolves to an address that refuses connections, then one that answers
    port = loopback_receiver.server_address[1]
    url = f"http://receiver.test:{port}/hook"
    # When a delivery is posted
    result = post(url, b"{}", {}, 5, allow_insecure=True, resolver=lambda host, _: ["127.0.0.2", "127.0.0.1"])
    # Then it reached the second address
    assert (result.status, result.body, result.error) == (200, "ok", None)


def test_a_name_resolving_to_any_unsafe_address_is_refused_before_connecting():
    result = post(
        "https://receiver.test/hook", b"{}", {}, 5, allow_insecure=False, resolver=lambda h, p: ["8.8.8.8", "10.0.0.1"]
    )
    assert result.status is None and (result.error or "").startswith("refused")


@pytest.fixture
def slow_loris() -> Iterator[tuple[int, threading.Event]]:
    """Sends a status line, then one header line a byte every 0.1 s until told to stop: no single
    read ever waits long, the answer never completes."""
    stop = threading.Event()
    listener = socket.create_server(("127.0.0.1", 0))

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            with contextlib.suppress(OSError):
                connection.sendall(b"HTTP/1.1 200 OK\r\nx-drip: ")
                for _ in range(600):  # a minute at most, so a broken sender cannot hang the suite
                    if stop.wait(0.1):
                        break
                    connection.sendall(b".")

    threading.Thread(target=serve, daemon=True).start()
    yield listener.getsockname()[1], stop
    stop.set()
    listener.close()


def test_a_receiver_that_never_finishes_its_answer_is_cut_off_at_the_deadline(slow_loris):
    # Given a receiver that dribbles its headers forever
    port, stop = slow_loris
    # When a delivery is posted with a 1 s deadline
    result = post(f"http://127.0.0.1:{port}/hook", b"{}", {}, 1, allow_insecure=True)
    finished = not stop.is_set()
    # Then the attempt ends as a deadline failure while the receiver was still dribbling
    assert finished and result.status is None
    assert (result.error or "").startswith("deadline exceeded")


def test_every_queue_outlasts_six_of_its_consumers_timeouts():
    # Lambda's advice for SQS event sources: a visibility timeout of six times the function's timeout
    template = read_template(ROOT)
    queues = template.resources_of("AWS::SQS::Queue")
    consumers = [(f, e) for f in template.functions.values() for e in f.queue_events]
    assert consumers
    for function, event in consumers:
        queue = event["Queue"]["Fn::GetAtt"][0]
        assert queues[queue]["VisibilityTimeout"] >= 6 * function.timeout, (function.logical_id, queue)


def test_the_sender_attempts_one_delivery_per_invocation_within_its_timeout():
    template = read_template(ROOT)
    sender = template.functions["DeliverWebhookFunction"]
    (event,) = sender.queue_events
    deadline = template.document["Parameters"]["WebhookTimeoutSeconds"]
    assert event["BatchSize"] == 1
    assert deadline["MaxValue"] < sender.timeout
