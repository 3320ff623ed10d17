"""A secret is shown once and stored nowhere in clear: not in the tables (idempotency records
included), not in S3, not in the stack's logs. Webhook secrets live in SSM SecureString parameters
by design (the secret store), which this does not scan."""

import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from local.deploy import client


def secret_part(secret: str) -> str:
    """The random part: sk_live_<keyId>_<secret> (the secret may hold '_') or whsec_<base64>."""
    return secret.split("_", 3)[3] if secret.startswith("sk_live_") else secret.removeprefix("whsec_")


def everything_stored(api) -> list[str]:
    """Every DynamoDB item of every table, every S3 object, and the stack's log, as text."""
    endpoint, texts = api.info["moto_endpoint"], []
    dynamodb, s3 = client("dynamodb", endpoint), client("s3", endpoint)
    for table in dynamodb.list_tables()["TableNames"]:
        for page in dynamodb.get_paginator("scan").paginate(TableName=table):
            texts += [repr(item) for item in page["Items"]]
    objects = [
        (bucket["Name"], listed["Key"])
        for bucket in s3.list_buckets()["Buckets"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket["Name"])
        for listed in page.get("Contents", [])
    ]

    def body(bucket: str, key: str) -> str:
        return s3.get_object(Bucket=bucket, Key=key)["Body"].read().decode("utf-8", errors="replace")

    # A full suite leaves thousands of objects: read them a few at a time (boto3 clients are thread-safe).
    with ThreadPoolExecutor(max_workers=8) as pool:
        texts += pool.map(lambda located: body(*located), objects)
    texts.append((Path(api.info["state_dir"]) / "stack.log").read_text(errors="replace"))
    return texts


def post(api, path: str, body: Any = None, idempotency_key: str | None = None):
    headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
    return api.call("POST", path, api.admin_key, body, headers=headers)


def shown_once(api, path: str, body: Any, idempotency_key: str | None, status: int) -> str:
    """POST, and with an Idempotency-Key replay it: the replay has the same status and body but
    for the secret, which is null. Returns the secret the first reply showed."""
    first = post(api, path, body, idempotency_key)
    assert first.status_code == status, first.text
    secret: str = first.json()["secret"]
    assert secret
    if idempotency_key:
        replay = post(api, path, body, idempotency_key)
        assert replay.status_code == status
        assert replay.headers["Idempotent-Replayed"] == "true"
        assert replay.json() == {**first.json(), "secret": None}
    return secret


def created_and_rotated(api, idempotent: bool) -> list[str]:
    """The secrets of a key created and one rotated, a webhook created and one rotated."""

    def idempotency_key() -> str | None:
        return str(uuid.uuid4()) if idempotent else None

    key = post(api, "/v1/admin/keys", {"name": "probe", "scope": "read"}).json()["key"]["id"]
    webhook = post(api, "/v1/webhooks", {"url": "http://127.0.0.1:9/hook", "events": ["webhook.test"]})
    webhook_id = webhook.json()["webhook"]["id"]
    return [
        shown_once(api, "/v1/admin/keys", {"name": "shown once", "scope": "read"}, idempotency_key(), 201),
        shown_once(api, f"/v1/admin/keys/{key}/rotate", {"overlapSeconds": 60}, idempotency_key(), 200),
        shown_once(
            api, "/v1/webhooks", {"url": "http://127.0.0.1:9/x", "events": ["webhook.test"]}, idempotency_key(), 201
        ),
        shown_once(api, f"/v1/webhooks/{webhook_id}/rotate-secret", None, idempotency_key(), 200),
    ]


def test_key_and_webhook_secrets_are_stored_nowhere_in_clear(api):
    # Given keys and webhook secrets created and rotated, without and with an Idempotency-Key
    # (one scan for both: after a full suite, reading everything stored takes most of a minute)
    secrets = created_and_rotated(api, idempotent=False) + created_and_rotated(api, idempotent=True)
    # When everything the stack stored and logged is read
    stored = everything_stored(api)
    # Then no secret appears in it
    for secret in secrets:
        assert not [text for text in stored if secret_part(secret) in text], f"{secret[:12]}... is stored in clear"


def test_the_secret_a_replay_withholds_still_works(api):
    # Given a key created with an Idempotency-Key, and the request replayed
    idempotency_key = str(uuid.uuid4())
    secret = shown_once(api, "/v1/admin/keys", {"name": "replayed", "scope": "read"}, idempotency_key, 201)
    # Then the secret shown by the first reply is the key's secret
    assert api.call("GET", "/v1/sources", secret).status_code == 200
