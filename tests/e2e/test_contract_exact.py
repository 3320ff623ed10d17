"""Bodies are taken as openapi.yaml declares them: JSON types are strict (no bool or text read as
a number), optional fields are a value or left out (never null), and a PATCH changes something."""

import pytest


def test_false_is_not_zero_seconds_of_rotation_overlap(api):
    # Given a key to rotate
    key_id = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "to rotate"}).json()["key"]["id"]
    # When its rotation overlap is given as false
    reply = api.call("POST", f"/v1/admin/keys/{key_id}/rotate", api.admin_key, {"overlapSeconds": False})
    # Then it is refused, and the key keeps its secret
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("overlapSeconds:")


@pytest.mark.parametrize(
    "body",
    [
        {"name": "n", "graceDays": "5"},
        {"name": "n", "graceDays": True},
        {"name": "n", "chunking": {"size": 1000, "overlap": False}},
        {"name": "n", "chunking": {"size": "1000", "overlap": 10}},
    ],
    ids=["text graceDays", "bool graceDays", "bool overlap", "text size"],
)
def test_a_number_given_as_text_or_bool_is_a_validation_error(api, writer_key, body):
    reply = api.call("POST", "/v1/sources", writer_key, body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")


def test_an_integer_written_with_a_zero_fraction_is_an_integer(api, writer_key):
    reply = api.call("POST", "/v1/sources", writer_key, {"name": "n", "graceDays": 3.0})
    assert reply.status_code == 201, reply.text
    assert reply.json()["source"]["graceDays"] == 3


def test_an_expiry_is_a_date_time_text_not_a_number(api):
    as_number = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "k", "expiresAt": 1_900_000_000})
    as_text = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "k", "expiresAt": "2030-01-01T00:00:00Z"})
    assert (as_number.status_code, as_number.json()["code"]) == (400, "validation_error")
    assert as_text.status_code == 201, as_text.text


@pytest.mark.parametrize("body", [{}, {"name": None}, {"name": None, "graceDays": 3}])
def test_a_patch_of_a_source_changes_something_and_never_sends_null(api, writer_key, source_id, body):
    reply = api.call("PATCH", f"/v1/sources/{source_id}", writer_key, body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]["graceDays"] == 7


@pytest.mark.parametrize("body", [{}, {"enabled": None, "description": "x"}, {"events": [""]}])
def test_a_patch_of_a_webhook_changes_something_known_and_never_sends_null(api, body):
    created = api.call(
        "POST", "/v1/webhooks", api.admin_key, {"url": "http://127.0.0.1:9/hook", "events": ["run.completed"]}
    )
    assert created.status_code == 201, created.text
    reply = api.call("PATCH", f"/v1/webhooks/{created.json()['webhook']['id']}", api.admin_key, body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")


@pytest.mark.parametrize(
    "condition",
    [{"eq": None, "gt": 1}, {"eq": "a", "lte": "b"}, {}],
    ids=["a null beside a range", "two kinds", "no kind"],
)
def test_a_metadata_condition_is_exactly_one_kind(api, writer_key, condition):
    body = {"query": "refunds", "filters": {"metadata": {"region": condition}}}
    reply = api.call("POST", "/v1/search", writer_key, body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
