""" "Why not this item?": POST /v1/search/explain says where an item stands in a search, over HTTP."""

import pytest

from tests.e2e.conftest import push, run_and_apply
from tests.e2e.test_search import HELP_CENTER, publish_help_center


def explain(api, key, source_id, item_id, query, **options):
    body = {
        "query": query,
        "sourceId": source_id,
        "externalItemId": item_id,
        "mode": "keyword",
        "sourceIds": [source_id],
    }
    body |= options
    reply = api.call("POST", "/v1/search/explain", key, body)
    assert reply.status_code == 200, reply.text
    return reply.json()


@pytest.fixture
def help_center(api, writer_key, source_id):
    publish_help_center(api, writer_key, source_id)
    return source_id


def test_a_returned_item_has_its_rank_and_scores(api, writer_key, help_center):
    # When the best match for a query is explained
    explained = explain(api, writer_key, help_center, "refunds", "how long do refunds take")
    search = api.call(
        "POST",
        "/v1/search",
        writer_key,
        {"query": "how long do refunds take", "mode": "keyword", "sourceIds": [help_center]},
    ).json()
    # Then it was returned first, with the scores search used
    assert (explained["verdict"], explained["rank"]) == ("returned", 1)
    assert explained["bestChunk"]["chunkId"] == search["results"][0]["chunkId"]
    assert explained["bestChunk"]["keywordScore"] == pytest.approx(search["results"][0]["score"], rel=1e-4)
    assert explained["bestChunk"]["keywordRank"] == 1


def test_an_item_past_the_limit_says_where_it_ranked(api, writer_key, help_center):
    # Given a query both "refunds" and "warranty" match, "refunds" better ("billing" and "refunds")
    query = "refunds warranty devices refunds"
    first = api.call(
        "POST", "/v1/search", writer_key, {"query": query, "mode": "keyword", "limit": 1, "sourceIds": [help_center]}
    )
    loser = "warranty" if first.json()["results"][0]["item"]["externalItemId"] == "refunds" else "refunds"
    # When the one that did not make a limit of 1 is explained
    explained = explain(api, writer_key, help_center, loser, query, limit=1)
    # Then it ranked second, past the limit
    assert (explained["verdict"], explained["rank"]) == ("ranked_below_limit", 2)
    assert explained["bestChunk"]["keywordRank"] == 2


def test_an_item_without_a_query_term_is_no_match(api, writer_key, help_center):
    explained = explain(api, writer_key, help_center, "shipping", "reset my password")
    assert explained["verdict"] == "no_match"
    assert explained["bestChunk"]["keywordScore"] == 0


def test_a_filtered_item_names_the_conditions_it_fails(api, writer_key, help_center):
    # Given filters "refunds" (tags billing, year 2024, category billing) passes in part
    filters = {"tags": {"any": ["account"]}, "metadata": {"year": {"gte": 2023}, "category": {"eq": "account"}}}
    # When it is explained
    explained = explain(api, writer_key, help_center, "refunds", "refunds", filters=filters)
    # Then exactly the failing conditions are named
    assert explained["verdict"] == "filtered_out"
    assert explained["failedConditions"] == ["tags.any", "metadata.category"]


def test_a_staged_but_unpublished_item_says_run_and_apply(api, writer_key, help_center):
    push(api, writer_key, help_center, "fresh", "Fresh content about refunds.")
    explained = explain(api, writer_key, help_center, "fresh", "refunds")
    assert explained["verdict"] == "not_published"
    assert "run and apply" in explained["reason"]


def test_deleted_and_unknown_items_are_told_apart(api, writer_key, help_center):
    api.call("DELETE", f"/v1/sources/{help_center}/items/shipping", writer_key)
    run_and_apply(api, writer_key, help_center)
    assert explain(api, writer_key, help_center, "shipping", "shipping")["verdict"] == "deleted"
    assert explain(api, writer_key, help_center, "never-pushed", "shipping")["verdict"] == "not_found"


def test_a_tombstone_past_its_grace_is_explained(api, writer_key, help_center):
    # Given "warranty" tombstoned by a snapshot and applied, then the source's grace cut to 0 days
    snap = api.call("POST", f"/v1/sources/{help_center}/snapshots", writer_key).json()["snapshot"]["id"]
    kept = [
        {"externalItemId": i, "content": f["content"], "title": f["title"]}
        for i, f in HELP_CENTER.items()
        if i != "warranty"
    ]
    api.call("POST", f"/v1/sources/{help_center}/snapshots/{snap}/items", writer_key, {"items": kept})
    assert api.call("POST", f"/v1/sources/{help_center}/snapshots/{snap}/commit", writer_key).status_code == 200
    run_and_apply(api, writer_key, help_center)
    api.call("PATCH", f"/v1/sources/{help_center}", writer_key, {"graceDays": 0})
    # When it is explained
    explained = explain(api, writer_key, help_center, "warranty", "warranty")
    # Then its tombstone no longer serves, and the reason says why
    assert explained["verdict"] == "tombstone_expired"
    assert "0 grace days" in explained["reason"]


def test_another_tenants_source_is_not_found(api, other_tenant_admin, help_center):
    reply = api.call(
        "POST",
        "/v1/search/explain",
        other_tenant_admin,
        {"query": "refunds", "sourceId": help_center, "externalItemId": "refunds"},
    )
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")
