from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook as Verifier

from kb.webhooks.delivery import UnsafeTarget, post, sign, vet_address, vet_url
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
    result = post("https://localhost:9/hook", b"{}", {}, timeout=1, allow_insecure=False)
    assert result.status is None and result.error is not None and result.error.startswith("refused")


def test_the_sender_may_touch_only_subscriptions_and_the_delivery_log():
    sender = read_template(ROOT).document["Resources"]["SendWebhooksFunction"]["Properties"]["Policies"]
    names = [next(iter(p)) for p in sender]
    assert "DynamoDBCrudPolicy" not in names and "DynamoDBReadPolicy" not in names
    assert not any(n.startswith("S3") for n in names)
    (table_statement,) = [
        s for p in sender if "Statement" in p for s in p["Statement"] if "dynamodb" in str(s["Action"])
    ]
    assert table_statement["Condition"]["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [
        "WEBHOOKS#*",
        "WEBHOOK#*",
    ]
