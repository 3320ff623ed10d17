"""Failed authentications are limited per source address and per key id: past the limit, 429
rate_limited with Retry-After. Each test calls from its own loopback address, so the rest of the
suite (on 127.0.0.1) is not refused. The windows are calendar minutes; rather than wait for a
window's start, each test sends twice the limit plus one: however a window boundary splits them,
one window sees more than the limit."""

import secrets

from kb.ratelimit import FAILED_AUTH_PER_ADDRESS_PER_MINUTE, FAILED_AUTH_PER_KEY_ID_PER_MINUTE


def unknown_key() -> str:
    return f"sk_live_{secrets.token_hex(8)}_{secrets.token_urlsafe(32)}"


def until_refused(send, attempts: int):
    replies = []
    for attempt in range(attempts):
        replies.append(send(attempt))
        if replies[-1].status_code == 429:
            break
    return replies


def test_a_flood_of_invalid_keys_from_one_address_is_rate_limited(api):
    # When one address sends invalid keys (each with another key id)
    replies = until_refused(
        lambda _: api.call("GET", "/v1/sources", unknown_key(), source_address="127.0.0.41"),
        2 * FAILED_AUTH_PER_ADDRESS_PER_MINUTE + 1,
    )
    # Then after at most the limit per window they are refused with 429 and Retry-After
    *failed, refused = replies
    assert {(r.status_code, r.json()["code"]) for r in failed} == {(401, "invalid_key")}
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_wrong_secrets_for_one_key_id_from_many_addresses_are_rate_limited(api):
    # Given a real key id
    created = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "guessed", "scope": "read"}).json()
    wrong = f"sk_live_{created['key']['id']}_{secrets.token_urlsafe(32)}"
    # When wrong secrets for it arrive, each from another address
    replies = until_refused(
        lambda attempt: api.call("GET", "/v1/sources", wrong, source_address=f"127.0.1.{attempt + 1}"),
        2 * FAILED_AUTH_PER_KEY_ID_PER_MINUTE + 1,
    )
    # Then after at most the limit per window they are refused with 429 and Retry-After
    *failed, refused = replies
    assert {(r.status_code, r.json()["code"]) for r in failed} == {(401, "invalid_key")}
    assert (refused.status_code, refused.json()["code"]) == (429, "rate_limited")
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_a_known_key_id_with_a_wrong_secret_answers_as_an_unknown_key_does(api):
    created = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "probed", "scope": "read"}).json()
    wrong_secret = f"sk_live_{created['key']['id']}_{'x' * 43}"
    wrong = api.call("GET", "/v1/sources", wrong_secret, source_address="127.0.0.42")
    unknown = api.call("GET", "/v1/sources", unknown_key(), source_address="127.0.0.42")
    invalid = {"error": "The API key is not valid.", "code": "invalid_key"}
    assert (wrong.status_code, wrong.json()) == (unknown.status_code, unknown.json()) == (401, invalid)
