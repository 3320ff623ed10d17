"""Search over published generations, end to end: ranking, modes, filters, tombstones, freshness."""

import pytest

from tests.e2e.conftest import push, run_and_apply

DAY = 24 * 3600

HELP_CENTER = {
    "refunds": {
        "title": "Refund policy",
        "content": "Refunds are processed within 14 days of receiving the returned item. "
        "The money goes back to the original payment method.",
        "tags": ["billing"],
        "metadata": {"category": "billing", "year": 2024},
        "url": "https://help.example.com/refunds",
    },
    "shipping": {
        "title": "Shipping times",
        "content": "We ship worldwide. Standard shipping takes 3 to 5 business days; express delivery arrives next day.",
        "tags": ["logistics"],
        "metadata": {"category": "logistics", "year": 2022},
    },
    "password": {
        "title": "Reset your password",
        "content": "To reset your password, open Settings, choose Security and click Reset password. "
        "A link is sent to your email address.",
        "tags": ["account", "security"],
        "metadata": {"category": "account", "year": 2023},
    },
    "warranty": {
        "title": "Warranty",
        "content": "All devices come with a two-year limited warranty that covers manufacturing defects.",
        "tags": ["billing", "legal"],
        "metadata": {"category": "legal", "year": 2021},
    },
}


def publish_help_center(api, key, source_id, items=HELP_CENTER):
    for item_id, fields in items.items():
        reply = push(
            api, key, source_id, item_id, fields["content"], **{k: v for k, v in fields.items() if k != "content"}
        )
        assert reply.status_code in (200, 201), reply.text
    return run_and_apply(api, key, source_id)[1]["generationId"]


def search(api, key, source_id, query, **options):
    reply = api.call("POST", "/v1/search", key, {"query": query, "sourceIds": [source_id], **options})
    assert reply.status_code == 200, reply.text
    return reply.json()


def ids(found):
    return [result["item"]["externalItemId"] for result in found["results"]]


@pytest.fixture
def help_center(api, writer_key, source_id):
    return publish_help_center(api, writer_key, source_id)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("how long does a refund take", "refunds"),
        ("standard shipping business days", "shipping"),
        ("I forgot my password", "password"),
        ("manufacturing defect warranty", "warranty"),
    ],
)
def test_keyword_search_ranks_the_item_that_answers_first(api, writer_key, source_id, help_center, question, expected):
    found = search(api, writer_key, source_id, question, mode="keyword")
    assert found["mode"] == "keyword"
    assert ids(found)[0] == expected


def test_a_result_carries_its_chunk_its_item_and_the_generation_it_came_from(api, writer_key, source_id, help_center):
    result = search(api, writer_key, source_id, "refund", mode="keyword", limit=1)["results"][0]
    assert result["chunkId"].startswith("chk_") and result["score"] > 0
    assert result["text"].startswith("Refund policy\n\nRefunds are processed within 14 days")
    assert result["generationId"] == help_center
    assert result["item"] == {
        "externalItemId": "refunds",
        "title": "Refund policy",
        "url": "https://help.example.com/refunds",
        "sourceId": source_id,
        "tags": ["billing"],
        "metadata": {"category": "billing", "year": 2024},
    }


def test_semantic_search_finds_a_paraphrase_that_shares_no_words(api, writer_key, source_id, help_center):
    found = search(api, writer_key, source_id, "get my cash returned", mode="semantic", limit=2)
    assert found["mode"] == "semantic"
    assert ids(found)[0] == "refunds"


def test_hybrid_is_the_default_when_the_generation_has_embeddings(api, writer_key, source_id, help_center):
    found = search(api, writer_key, source_id, "when will my parcel arrive")
    assert found["mode"] == "hybrid"
    assert ids(found)[0] == "shipping"
    assert [r["score"] for r in found["results"]] == sorted((r["score"] for r in found["results"]), reverse=True)


def test_limit_caps_the_results(api, writer_key, source_id, help_center):
    assert len(search(api, writer_key, source_id, "the", mode="semantic", limit=2)["results"]) == 2


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"tags": {"any": ["legal", "security"]}}, {"warranty", "password"}),
        ({"tags": {"all": ["billing", "legal"]}}, {"warranty"}),
        ({"metadata": {"category": {"eq": "logistics"}}}, {"shipping"}),
        ({"metadata": {"category": {"in": ["account", "legal"]}}}, {"password", "warranty"}),
        ({"metadata": {"year": {"gte": 2023}}}, {"refunds", "password"}),
        ({"metadata": {"year": {"gt": 2021, "lt": 2024}}}, {"shipping", "password"}),
        ({"tags": {"any": ["billing"]}, "metadata": {"year": {"lte": 2021}}}, {"warranty"}),
    ],
)
def test_filters_keep_only_matching_items(api, writer_key, source_id, help_center, filters, expected):
    found = search(
        api, writer_key, source_id, "days settings devices shipping refunds", mode="semantic", limit=10, filters=filters
    )
    assert set(ids(found)) == expected


def test_an_invalid_search_is_a_validation_error(api, writer_key, source_id):
    for body in (
        {"query": "x", "limit": 101},
        {"query": "   "},
        {"query": "x", "mode": "fuzzy"},
        {"query": "x", "filters": {"metadata": {"year": {"eq": 1, "gt": 0}}}},
    ):
        reply = api.call("POST", "/v1/search", writer_key, body)
        assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), body


def test_searching_another_tenants_source_is_not_found(api, other_tenant_admin, source_id, help_center):
    reply = api.call("POST", "/v1/search", other_tenant_admin, {"query": "refund", "sourceIds": [source_id]})
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")


def test_an_archived_source_does_not_serve(api, writer_key, source_id, help_center):
    assert api.call("DELETE", f"/v1/sources/{source_id}", writer_key).status_code == 200
    assert search(api, writer_key, source_id, "refund", mode="keyword")["results"] == []


def test_a_newly_published_generation_is_served_by_the_next_request(api, writer_key, source_id, help_center):
    # Given a search that loaded (and cached) the first generation
    assert search(api, writer_key, source_id, "refund", mode="keyword")["results"][0]["generationId"] == help_center
    # When the refund policy changes and is applied
    push(api, writer_key, source_id, "refunds", "Refunds now take 30 days.", title="Refund policy")
    published = run_and_apply(api, writer_key, source_id)[1]["generationId"]
    # Then the very next search serves the new text from the new generation
    result = search(api, writer_key, source_id, "refund", mode="keyword")["results"][0]
    assert (result["generationId"], result["text"]) == (published, "Refund policy\n\nRefunds now take 30 days.")


def test_a_deleted_item_stops_serving_after_the_next_apply(api, writer_key, source_id, help_center):
    assert api.call("DELETE", f"/v1/sources/{source_id}/items/warranty", writer_key).status_code == 200
    run_and_apply(api, writer_key, source_id)
    assert "warranty" not in ids(search(api, writer_key, source_id, "warranty devices", mode="keyword"))


def commit_snapshot(api, key, source_id, items):
    snap = api.call("POST", f"/v1/sources/{source_id}/snapshots", key).json()["snapshot"]["id"]
    body = {"items": [{"externalItemId": i, **fields} for i, fields in items.items()]}
    assert api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap}/items", key, body).status_code == 200
    assert api.call("POST", f"/v1/sources/{source_id}/snapshots/{snap}/commit", key).status_code == 200


def test_a_tombstone_serves_inside_its_grace_window_and_not_after(api, writer_key, source_id, help_center, controls):
    # Given a snapshot without the warranty page, applied (7 days of grace)
    commit_snapshot(api, writer_key, source_id, {k: v for k, v in HELP_CENTER.items() if k != "warranty"})
    _, applied = run_and_apply(api, writer_key, source_id)
    assert applied["counts"]["tombstoned"] == 1
    # When six days pass, the tombstone still serves
    controls.shift_clock(source_id, 6 * DAY)
    assert ids(search(api, writer_key, source_id, "warranty", mode="keyword")) == ["warranty"]
    # Then after eight days it does not, even before a run purges it
    controls.shift_clock(source_id, 8 * DAY)
    assert search(api, writer_key, source_id, "warranty", mode="keyword")["results"] == []
    _, purged = run_and_apply(api, writer_key, source_id)
    assert purged["counts"]["purged"] == 1
    assert search(api, writer_key, source_id, "warranty", mode="keyword")["results"] == []


def test_search_needs_a_key(api, source_id):
    reply = api.call("POST", "/v1/search", None, {"query": "refund"})
    assert (reply.status_code, reply.json()["code"]) == (401, "unauthorized")
