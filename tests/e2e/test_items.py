"""Items: upsert outcomes, get, list, delete, batch, size limits, large content."""

from tests.e2e.conftest import push, run, run_and_apply


def test_upsert_answers_201_then_200_with_its_outcome(api, writer_key, source_id):
    first = push(api, writer_key, source_id, "faq-1", "One.", tags=["a"], metadata={"n": 1, "ok": True}, language="en")
    same = push(api, writer_key, source_id, "faq-1", "One.", tags=["a"], metadata={"n": 1, "ok": True}, language="en")
    changed = push(
        api, writer_key, source_id, "faq-1", "One!", tags=["a"], metadata={"n": 1, "ok": True}, language="en"
    )
    assert [(r.status_code, r.json()["outcome"]) for r in (first, same, changed)] == [
        (201, "created"),
        (200, "unchanged"),
        (200, "updated"),
    ]
    item = api.call("GET", f"/v1/sources/{source_id}/items/faq-1", writer_key).json()["item"]
    assert (item["content"], item["tags"], item["metadata"], item["language"]) == (
        "One!",
        ["a"],
        {"n": 1, "ok": True},
        "en",
    )


def test_metadata_must_be_flat(api, writer_key, source_id):
    reply = push(api, writer_key, source_id, "faq-1", "One.", metadata={"nested": {"a": 1}})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert reply.json()["error"].startswith("metadata.nested")


def test_listing_items_pages_with_a_cursor(api, writer_key, source_id):
    for i in range(5):
        push(api, writer_key, source_id, f"item-{i}", f"Content {i}.")
    first = api.call("GET", f"/v1/sources/{source_id}/items?limit=3", writer_key).json()
    second = api.call("GET", f"/v1/sources/{source_id}/items?limit=3&cursor={first['nextCursor']}", writer_key).json()
    ids = [i["externalItemId"] for i in first["items"] + second["items"]]
    assert ids == [f"item-{i}" for i in range(5)]
    assert second["nextCursor"] is None


def test_listing_filters_by_tag_state_update_time_and_title_words_with_versions(api, writer_key, source_id):
    # Given three items, one of them changed twice and one deleted
    push(api, writer_key, source_id, "refunds", "Refunds v1.", title="Refund policy", tags=["billing", "faq"])
    push(api, writer_key, source_id, "refunds", "Refunds v2.", title="Refund policy", tags=["billing", "faq"])
    push(api, writer_key, source_id, "invoices", "Invoices.", title="Invoices and receipts", tags=["billing"])
    push(api, writer_key, source_id, "shipping", "Shipping.", title="Shipping times", tags=["faq"])
    api.call("DELETE", f"/v1/sources/{source_id}/items/shipping", writer_key)
    path = f"/v1/sources/{source_id}/items"
    # When the staging set is listed with filters
    billing_faq = api.call("GET", f"{path}?tag=billing&tag=faq", writer_key).json()["items"]
    titled = api.call("GET", f"{path}?q=RECEIPTS%20invoices", writer_key).json()["items"]
    future = api.call("GET", f"{path}?updatedSince=2999-01-01T00:00:00Z", writer_key).json()["items"]
    active = api.call("GET", f"{path}?state=active", writer_key).json()["items"]
    bad = api.call("GET", f"{path}?updatedSince=yesterday", writer_key)
    # Then each filter keeps what it names, with each item's version; the deleted one never shows
    assert [(i["externalItemId"], i["version"], i["tags"]) for i in billing_faq] == [("refunds", 2, ["billing", "faq"])]
    assert [i["externalItemId"] for i in titled] == ["invoices"] and future == []
    assert [i["externalItemId"] for i in active] == ["invoices", "refunds"]
    assert bad.status_code == 400 and bad.json()["code"] == "validation_error"


def test_a_deleted_item_is_gone_at_the_next_apply(api, writer_key, source_id):
    push(api, writer_key, source_id, "faq-1", "One.")
    push(api, writer_key, source_id, "faq-2", "Two.")
    run_and_apply(api, writer_key, source_id)
    deleted = api.call("DELETE", f"/v1/sources/{source_id}/items/faq-1", writer_key)
    assert deleted.status_code == 200
    assert api.call("GET", f"/v1/sources/{source_id}/items/faq-1", writer_key).status_code == 404
    _, applied = run_and_apply(api, writer_key, source_id)
    assert (applied["counts"]["deleted"], applied["counts"]["unchanged"]) == (1, 1)
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{applied['generationId']}", writer_key).json()
    assert generation["generation"]["manifest"]["itemCount"] == 1


def test_deleting_a_missing_item_is_not_found(api, writer_key, source_id):
    reply = api.call("DELETE", f"/v1/sources/{source_id}/items/never", writer_key)
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")


def test_a_batch_reports_each_item_and_one_bad_item_does_not_sink_the_others(api, writer_key, source_id):
    push(api, writer_key, source_id, "old", "Old.")
    body = {
        "items": [
            {"externalItemId": "b-1", "content": "First."},
            {"externalItemId": "b-2"},  # no content
            {"externalItemId": "b-3", "content": "Third.", "metadata": {"a": {"nested": 1}}},
        ],
        "deletes": ["old", "never-existed"],
    }
    reply = api.call("POST", f"/v1/sources/{source_id}/items/batch", writer_key, body)
    assert reply.status_code == 200
    results = [(r["index"], r["externalItemId"], r["outcome"]) for r in reply.json()["results"]]
    assert results == [
        (0, "b-1", "created"),
        (1, "b-2", "invalid"),
        (2, "b-3", "invalid"),
        (3, "old", "deleted"),
        (4, "never-existed", "not_found"),
    ]
    assert reply.json()["results"][1]["error"].startswith("content")
    assert (reply.json()["succeeded"], reply.json()["failed"]) == (2, 3)
    assert run(api, writer_key, source_id)["counts"]["created"] == 1


def test_a_batch_of_1000_is_accepted_and_1001_is_refused(api, writer_key, source_id):
    items = [{"externalItemId": f"bulk-{i}", "content": f"Item {i}."} for i in range(1000)]
    accepted = api.call("POST", f"/v1/sources/{source_id}/items/batch", writer_key, {"items": items})
    assert (accepted.status_code, accepted.json()["succeeded"]) == (200, 1000)
    refused = api.call("POST", f"/v1/sources/{source_id}/items/batch", writer_key, {"items": items, "deletes": ["x"]})
    assert (refused.status_code, refused.json()["code"]) == (400, "validation_error")
    assert run(api, writer_key, source_id)["counts"]["created"] == 1000


def test_an_item_over_1_mib_is_payload_too_large(api, writer_key, source_id):
    reply = push(api, writer_key, source_id, "big", "x" * (1024 * 1024 + 1))
    assert (reply.status_code, reply.json()["code"]) == (413, "payload_too_large")
    assert api.call("GET", f"/v1/sources/{source_id}/items/big", writer_key).status_code == 404


def test_a_batch_over_5_mib_is_payload_too_large(api, writer_key, source_id):
    items = [{"externalItemId": f"i{i}", "content": "y" * (600 * 1024)} for i in range(9)]
    reply = api.call("POST", f"/v1/sources/{source_id}/items/batch", writer_key, {"items": items})
    assert (reply.status_code, reply.json()["code"]) == (413, "payload_too_large")


def test_content_larger_than_a_dynamodb_item_round_trips_through_s3(api, writer_key, source_id):
    content = "Large knowledge. " * 30000  # ~500 KB, beyond DynamoDB's 400 KB item limit
    assert push(api, writer_key, source_id, "large", content).status_code == 201
    assert api.call("GET", f"/v1/sources/{source_id}/items/large", writer_key).json()["item"]["content"] == content
    _, applied = run_and_apply(api, writer_key, source_id)
    generation = api.call("GET", f"/v1/sources/{source_id}/generations/{applied['generationId']}", writer_key).json()
    assert generation["generation"]["manifest"]["chunkCount"] > 400


def test_a_body_that_is_not_json_is_unsupported_media_type(api, writer_key, source_id):
    reply = api.call(
        "POST",
        f"/v1/sources/{source_id}/items",
        writer_key,
        data="externalItemId=x",
        headers={"Content-Type": "text/plain"},
    )
    assert (reply.status_code, reply.json()["code"]) == (415, "unsupported_media_type")


def test_a_malformed_json_body_is_invalid_json(api, writer_key, source_id):
    reply = api.call(
        "POST",
        f"/v1/sources/{source_id}/items",
        writer_key,
        data='{"externalItemId": ',
        headers={"Content-Type": "application/json"},
    )
    assert (reply.status_code, reply.json()["code"]) == (400, "invalid_json")
