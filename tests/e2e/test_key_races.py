"""Read-modify-writes of keys and webhook subscriptions under real concurrency (threads over
HTTP): each write is conditioned on the version it read, so none undoes another."""

import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from functools import partial

import requests

from local.deploy import client

TRIALS = 30


def together(*calls: Callable[[], requests.Response]) -> list[requests.Response]:
    """Run the calls at once: each thread waits at a barrier, then sends."""
    barrier = threading.Barrier(len(calls))

    def send(call: Callable[[], requests.Response]) -> requests.Response:
        barrier.wait()
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(send, calls))


def test_a_rotation_racing_a_revocation_never_leaves_the_key_active(api):
    for trial in range(TRIALS):
        # Given a key
        created = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "raced", "scope": "read"}).json()
        key_id, old_secret = created["key"]["id"], created["secret"]
        # When it is rotated and revoked at once
        rotated, revoked = together(
            partial(api.call, "POST", f"/v1/admin/keys/{key_id}/rotate", api.admin_key),
            partial(api.call, "DELETE", f"/v1/admin/keys/{key_id}", api.admin_key),
        )
        # Then it ends revoked, and no secret it ever had works
        assert revoked.status_code == 200, revoked.text
        assert (rotated.status_code, rotated.json().get("code")) in ((200, None), (401, "key_revoked")), rotated.text
        assert api.call("GET", f"/v1/admin/keys/{key_id}", api.admin_key).json()["key"]["status"] == "revoked"
        secrets = [old_secret] + ([rotated.json()["secret"]] if rotated.status_code == 200 else [])
        for secret in secrets:
            # These fail authentication on purpose: from an address of their own, under its limit.
            reply = api.call("GET", "/v1/sources", secret, source_address=f"127.0.2.{trial + 1}")
            assert (reply.status_code, reply.json()["code"]) == (401, "key_revoked")


def subscribe(api) -> str:
    reply = api.call(
        "POST", "/v1/webhooks", api.admin_key, {"url": "http://127.0.0.1:9/raced", "events": ["webhook.test"]}
    )
    assert reply.status_code == 201, reply.text
    webhook_id: str = reply.json()["webhook"]["id"]
    return webhook_id


def secret_parameters(api, webhook_id: str) -> list[str]:
    ssm = client("ssm", api.info["moto_endpoint"])
    names = [p["Name"] for page in ssm.get_paginator("describe_parameters").paginate() for p in page["Parameters"]]
    return [name for name in names if f"/{webhook_id}/" in name]


def test_an_update_racing_a_secret_rotation_keeps_both(api):
    for trial in range(TRIALS // 2):
        # Given a subscription
        webhook_id = subscribe(api)
        path = f"/v1/webhooks/{webhook_id}"
        # When its description is changed and its secret rotated at once
        updated, rotated = together(
            partial(api.call, "PATCH", path, api.admin_key, {"description": f"trial {trial}"}),
            partial(api.call, "POST", f"{path}/rotate-secret", api.admin_key),
        )
        assert (updated.status_code, rotated.status_code) == (200, 200), (updated.text, rotated.text)
        # Then the subscription has both changes, and exactly the two secrets of the overlap exist
        webhook = api.call("GET", path, api.admin_key).json()["webhook"]
        assert webhook["description"] == f"trial {trial}"
        assert webhook["secretRotatedAt"] == rotated.json()["webhook"]["secretRotatedAt"]
        assert len(secret_parameters(api, webhook_id)) == 2


def test_a_rotation_racing_a_deletion_leaves_no_subscription_and_no_secret(api):
    for _ in range(TRIALS // 2):
        # Given a subscription
        webhook_id = subscribe(api)
        path = f"/v1/webhooks/{webhook_id}"
        # When its secret is rotated and it is deleted at once
        rotated, deleted = together(
            partial(api.call, "POST", f"{path}/rotate-secret", api.admin_key),
            partial(api.call, "DELETE", path, api.admin_key),
        )
        assert deleted.status_code == 200, deleted.text
        assert rotated.status_code in (200, 404), rotated.text
        # Then it is gone, and so is every secret it had
        assert api.call("GET", path, api.admin_key).status_code == 404
        assert secret_parameters(api, webhook_id) == []
