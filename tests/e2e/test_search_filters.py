"""Filter expressions and the shape of results, over HTTP: every operator and combination, in
search, query, chats and explain; grouping by item, minimum score, highlights, paging."""

import pytest

from tests.e2e.conftest import run_and_apply

SETUP = "Setup: install the agent, sign in and connect your workspace. "
DOCS = {
    "guide-2024": {
        "content": SETUP + "The guide covers the 2024 release.",
        "tags": ["guide", "public"],
        "metadata": {"year": 2024, "kind": "guide", "rating": 4.5, "audience": ["admins", "developers"]},
        "language": "en",
    },
    "guide-2022": {
        "content": SETUP + "Guide for the 2022 release, kept for old installations.",
        "tags": ["guide"],
        "metadata": {"year": 2022, "kind": "guide", "audience": "admins"},  # one value: a list of one
        "language": "fr",
    },
    "faq": {
        "content": SETUP + "Frequently asked questions about the agent.",
        "tags": ["faq", "public"],
        "metadata": {"year": 2023, "kind": "faq", "draft": True, "audience": ["admins"]},
        "language": "en",
    },
    "untagged": {"content": SETUP + "A note without tags, metadata or language."},
    "docs:api:keys": {
        "content": SETUP + "API keys: create one per integration.",
        "tags": ["reference"],
        "metadata": {"year": "2024", "kind": "reference", "audience": ["developers", 2024]},
        "language": "de",
    },
}
BLOG = {"post": {"content": SETUP + "Blog post: what changed in setup.", "tags": ["blog"], "language": "en"}}


def cond(field, op, value):
    return {"field": field, "op": op, "value": value}


def batch(api, key, source_id, items):
    body = {"items": [{"externalItemId": item_id, **fields} for item_id, fields in items.items()]}
    reply = api.call("POST", f"/v1/sources/{source_id}/items/batch", key, body)
    assert reply.status_code == 200, reply.text
    assert '"invalid"' not in reply.text, reply.text


def updated_at(api, key, source_id):
    reply = api.call("GET", f"/v1/sources/{source_id}/items?limit=100", key)
    assert reply.status_code == 200, reply.text
    return {item["externalItemId"]: item["updatedAt"] for item in reply.json()["items"]}


def new_source(api, key, name):
    reply = api.call("POST", "/v1/sources", key, {"name": name})
    assert reply.status_code == 201, reply.text
    return reply.json()["source"]["id"]


@pytest.fixture(scope="module")
def catalog(api):
    """Two published sources; the blog's item written after `between`."""
    key = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "filters", "scope": "write"}).json()["secret"]
    docs, blog = new_source(api, key, "Docs"), new_source(api, key, "Blog")
    batch(api, key, docs, DOCS)
    batch(api, key, blog, BLOG)
    between = max(updated_at(api, key, docs).values())
    assert min(updated_at(api, key, blog).values()) > between  # written a round trip later
    run_and_apply(api, key, docs)
    run_and_apply(api, key, blog)
    return {"key": key, "docs": docs, "blog": blog, "between": between}


def search(api, catalog, **body):
    body = {
        "query": "setup agent",
        "mode": "keyword",
        "limit": 20,
        "sourceIds": [catalog["docs"], catalog["blog"]],
    } | body
    reply = api.call("POST", "/v1/search", catalog["key"], body)
    assert reply.status_code == 200, reply.text
    return reply.json()


def found_ids(found):
    return {result["item"]["externalItemId"] for result in found["results"]}


ALL = set(DOCS) | set(BLOG)
CASES = [
    # each operator
    (cond("metadata.kind", "eq", "guide"), {"guide-2024", "guide-2022"}),
    (cond("metadata.year", "eq", 2024), {"guide-2024"}),  # "2024" the string is not the number
    (cond("metadata.kind", "ne", "guide"), ALL - {"guide-2024", "guide-2022"}),  # absent passes ne
    (cond("metadata.kind", "in", ["faq", "reference"]), {"faq", "docs:api:keys"}),
    (cond("metadata.kind", "nin", ["faq", "reference"]), ALL - {"faq", "docs:api:keys"}),
    (cond("metadata.year", "gt", 2022), {"guide-2024", "faq"}),
    (cond("metadata.year", "gte", 2022), {"guide-2024", "guide-2022", "faq"}),
    (cond("metadata.year", "lt", 2024), {"guide-2022", "faq"}),
    (cond("metadata.rating", "lte", 4.5), {"guide-2024"}),
    (cond("metadata.draft", "exists", True), {"faq"}),
    (cond("metadata.kind", "startsWith", "ref"), {"docs:api:keys"}),
    (cond("tags", "contains", "public"), {"guide-2024", "faq"}),
    (cond("tags", "containsAny", ["faq", "blog"]), {"faq", "post"}),
    (cond("tags", "containsAll", ["guide", "public"]), {"guide-2024"}),
    (cond("tags", "exists", False), {"untagged"}),
    # list metadata
    (cond("metadata.audience", "contains", "admins"), {"guide-2024", "guide-2022", "faq"}),
    (cond("metadata.audience", "containsAny", ["developers", "ops"]), {"guide-2024", "docs:api:keys"}),
    (cond("metadata.audience", "containsAll", ["admins", "developers"]), {"guide-2024"}),
    (cond("metadata.audience", "containsAll", ["developers", 2024]), {"docs:api:keys"}),
    (cond("metadata.audience", "contains", "2024"), set()),  # strictly typed
    ({"not": cond("metadata.audience", "contains", "admins")}, ALL - {"guide-2024", "guide-2022", "faq"}),
    (cond("metadata.audience", "eq", "admins"), {"guide-2022"}),  # eq compares one value, never a list
    (cond("metadata.audience", "exists", True), set(DOCS) - {"untagged"}),
    # the other fields
    (cond("externalItemId", "startsWith", "docs:"), {"docs:api:keys"}),
    (cond("language", "in", ["fr", "de"]), {"guide-2022", "docs:api:keys"}),
    (cond("language", "exists", False), {"untagged"}),
    ("sourceId:blog", {"post"}),
    ("updatedAt:after", {"post"}),
    ("updatedAt:before", set(DOCS)),
    # combinations
    ({"and": [cond("tags", "contains", "guide"), cond("language", "eq", "en")]}, {"guide-2024"}),
    ({"or": [cond("language", "eq", "fr"), cond("metadata.draft", "eq", True)]}, {"guide-2022", "faq"}),
    ({"not": cond("tags", "contains", "public")}, ALL - {"guide-2024", "faq"}),
    (
        {"and": [cond("metadata.kind", "exists", True), {"not": {"or": [cond("language", "eq", "en")]}}]},
        {"guide-2022", "docs:api:keys"},
    ),
]


@pytest.mark.parametrize(("where", "expected"), CASES, ids=[str(n) for n in range(len(CASES))])
def test_every_operator_field_and_combination_keeps_exactly_the_matching_items(api, catalog, where, expected):
    # Given the items of two sources, all matching the query; When searched with a where expression
    if where == "sourceId:blog":
        where = cond("sourceId", "eq", catalog["blog"])
    elif where == "updatedAt:after":
        where = cond("updatedAt", "gt", catalog["between"])
    elif where == "updatedAt:before":
        where = cond("updatedAt", "lte", catalog["between"])
    found = search(api, catalog, filters={"where": where})
    # Then exactly the items the expression holds for come back
    assert found_ids(found) == expected


def test_the_old_filter_shape_and_where_hold_together(api, catalog):
    filters = {
        "tags": {"any": ["guide", "faq"]},
        "metadata": {"year": {"gte": 2023}},
        "where": cond("language", "eq", "en"),
    }
    assert found_ids(search(api, catalog, filters=filters)) == {"guide-2024", "faq"}


def test_list_metadata_comes_back_in_results_as_given_and_the_old_shape_never_matches_a_list(api, catalog):
    found = search(api, catalog, filters={"where": cond("metadata.audience", "contains", "developers")})
    metadata = {r["item"]["externalItemId"]: r["item"]["metadata"]["audience"] for r in found["results"]}
    assert metadata == {"guide-2024": ["admins", "developers"], "docs:api:keys": ["developers", 2024]}
    old_shape = search(api, catalog, filters={"metadata": {"audience": {"in": ["admins", "developers"]}}})
    assert found_ids(old_shape) == {"guide-2022"}  # the single value only, as before lists


@pytest.mark.parametrize(
    "metadata",
    [{"audience": list(range(101))}, {"audience": [["nested"]]}, {"audience": [{"a": 1}]}, {"audience": [10**40]}],
)
def test_list_metadata_out_of_bounds_is_a_400(api, catalog, metadata):
    body = {"externalItemId": "bad", "content": "x", "metadata": metadata}
    reply = api.call("POST", f"/v1/sources/{catalog['docs']}/items", catalog["key"], body)
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert "metadata" in reply.json()["error"]


@pytest.mark.parametrize(
    ("where", "words"),
    [
        (cond("metadata.year", "near", 2024), "Input should be 'eq'"),
        (cond("metadata.year", "gt", True), "gt takes a number or a string"),
        (cond("tags", "eq", "guide"), "tags takes contains"),
        (cond("metadata.audience", "eq", ["admins"]), "eq compares one value, not a list"),
        (cond("metadata.audience", "containsAny", [["admins"]]), "Input should be a valid string"),
        (cond("updatedAt", "gte", "last week"), "ISO-8601"),
        (cond("colour", "eq", "red"), "should match pattern"),
        ({"not": {"not": {"not": {"not": {"not": {"not": cond("language", "eq", "en")}}}}}}, "deeper than 5"),
        ({"and": [{"or": [cond("language", "eq", "x")] * 30}] * 2}, "at most 50"),
    ],
)
def test_an_expression_that_cannot_run_is_a_400_that_says_why(api, catalog, where, words):
    reply = api.call("POST", "/v1/search", catalog["key"], {"query": "setup", "filters": {"where": where}})
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error")
    assert words in reply.json()["error"]


def test_a_chat_whose_filters_hold_a_number_dynamodb_cannot_store_is_a_400_not_a_500(api, catalog):
    # Given a metadata range bound far below DynamoDB's smallest number (the chat stores its filters)
    filters = {"metadata": {"year": {"lt": -1.07585388430365e-181}}}
    # When a chat is started with it
    reply = api.call("POST", "/v1/chats", catalog["key"], {"message": "setup", "filters": filters})
    # Then it is refused, saying why
    assert (reply.status_code, reply.json()["code"]) == (400, "validation_error"), reply.text
    assert "between 1e-130 and 1e126" in reply.json()["error"]


def test_explain_names_the_conditions_of_an_expression_the_item_fails(api, catalog):
    where = {
        "and": [
            cond("metadata.year", "gte", 2020),
            cond("language", "eq", "en"),
            {"not": cond("tags", "contains", "guide")},
            cond("metadata.audience", "containsAny", ["developers"]),
        ]
    }
    body = {"query": "setup", "sourceId": catalog["docs"], "externalItemId": "guide-2022", "filters": {"where": where}}
    explained = api.call("POST", "/v1/search/explain", catalog["key"], body).json()
    assert explained["verdict"] == "filtered_out"
    assert explained["failedConditions"] == [
        'where.and[1] (language eq "en")',
        'where.and[2] (not tags contains "guide")',
        'where.and[3] (metadata.audience containsAny ["developers"])',
    ]


def test_query_and_chats_answer_only_from_items_the_filters_keep(api, catalog):
    filters = {"where": cond("language", "eq", "fr")}
    sources = [catalog["docs"], catalog["blog"]]
    answer = api.call(
        "POST",
        "/v1/query",
        catalog["key"],
        {"query": "How do I setup the agent?", "sourceIds": sources, "filters": filters},
    ).json()
    chat = api.call(
        "POST",
        "/v1/chats",
        catalog["key"],
        {"message": "How do I setup the agent?", "sourceIds": sources, "filters": filters},
    ).json()
    assert {s["externalItemId"] for s in answer["sources"]} == {"guide-2022"}
    assert {s["externalItemId"] for s in chat["message"]["sources"]} == {"guide-2022"}


# Result shape: one long item of many chunks among short ones.
MANUAL = " ".join(f"Step {n}: open the console and check the agent setup of part {n}." for n in range(40))


@pytest.fixture(scope="module")
def manual(api, catalog):
    source = new_source(api, catalog["key"], "Manual")
    batch(api, catalog["key"], source, {"manual": {"content": MANUAL}, **DOCS})
    run_and_apply(api, catalog["key"], source)
    return source


def manual_search(api, catalog, source, **body):
    return search(api, catalog, **({"sourceIds": [source], "query": "agent setup"} | body))


def test_results_are_chunks_by_default_and_one_per_item_when_grouped(api, catalog, manual):
    chunks = manual_search(api, catalog, manual)
    grouped = manual_search(api, catalog, manual, groupBy="item")
    chunk_items = [r["item"]["externalItemId"] for r in chunks["results"]]
    grouped_items = [r["item"]["externalItemId"] for r in grouped["results"]]
    # The default repeats the manual (one result per chunk); grouped, every item comes once
    assert chunks["groupBy"] == "chunk" and chunk_items.count("manual") > 1
    assert grouped["groupBy"] == "item" and len(grouped_items) == len(set(grouped_items)) == len(DOCS) + 1
    # ... by its best chunk, with how many of its chunks match
    manual_result = next(r for r in grouped["results"] if r["item"]["externalItemId"] == "manual")
    assert manual_result["matchingChunks"] == chunk_items.count("manual")
    best_manual_chunk = next(r for r in chunks["results"] if r["item"]["externalItemId"] == "manual")
    assert manual_result["chunkId"] == best_manual_chunk["chunkId"]
    assert {r["matchingChunks"] for r in grouped["results"] if r["item"]["externalItemId"] != "manual"} == {1}


def test_hybrid_grouping_also_shows_each_item_once(api, catalog, manual):
    grouped = manual_search(api, catalog, manual, groupBy="item", mode="hybrid")
    items = [r["item"]["externalItemId"] for r in grouped["results"]]
    assert len(items) == len(set(items)) and "manual" in items


def test_min_score_leaves_out_what_scores_below_it(api, catalog, manual):
    everything = manual_search(api, catalog, manual, limit=100)["results"]
    bar = everything[len(everything) // 2]["score"]
    kept = manual_search(api, catalog, manual, limit=100, minScore=bar)["results"]
    assert kept == [r for r in everything if r["score"] >= bar]
    assert 0 < len(kept) < len(everything)
    assert manual_search(api, catalog, manual, minScore=everything[0]["score"] + 1)["results"] == []


def test_highlights_point_at_the_query_words_in_each_result(api, catalog, manual):
    results = manual_search(api, catalog, manual, query="agents installing", highlight=True)["results"]
    assert results
    for result in results:
        words = {result["text"][h["start"] : h["end"]].lower() for h in result["highlights"]}
        assert words and words <= {"agent", "install", "installations"}  # all analysed as the query's words
    assert manual_search(api, catalog, manual)["results"][0]["highlights"] is None


def test_pages_walk_one_ranking_without_repeats_and_refuse_another_searchs_cursor(api, catalog, manual):
    whole = manual_search(api, catalog, manual, limit=100)["results"]
    pages, cursor = [], None
    while True:
        page = manual_search(api, catalog, manual, limit=7, **({"cursor": cursor} if cursor else {}))
        pages += page["results"]
        cursor = page["nextCursor"]
        if cursor is None:
            break
    assert [r["chunkId"] for r in pages] == [r["chunkId"] for r in whole]
    first = manual_search(api, catalog, manual, limit=7)
    other = api.call(
        "POST",
        "/v1/search",
        catalog["key"],
        {"query": "other words", "mode": "keyword", "sourceIds": [manual], "cursor": first["nextCursor"]},
    )
    assert (other.status_code, other.json()["code"]) == (400, "invalid_cursor")


def test_a_cursor_keeps_paging_the_generations_it_started_on(api, catalog):
    # Given a source paged once
    source = new_source(api, catalog["key"], "Moving")
    batch(api, catalog["key"], source, DOCS)
    generation = run_and_apply(api, catalog["key"], source)[1]["generationId"]
    body = {"sourceIds": [source], "query": "setup agent", "groupBy": "item", "limit": 2}
    first = search(api, catalog, **body)
    # When the source publishes a new generation with a better match before the next page
    batch(api, catalog["key"], source, {"new": {"content": "setup agent setup agent setup agent"}})
    run_and_apply(api, catalog["key"], source)
    rest, cursor = [], first["nextCursor"]
    while cursor:
        page = search(api, catalog, **body, cursor=cursor)
        rest += page["results"]
        cursor = page["nextCursor"]
    # Then the pages after it come from the first generation: every item once, the new one never
    paged = [r["item"]["externalItemId"] for r in first["results"] + rest]
    assert sorted(paged) == sorted(DOCS)
    assert {r["generationId"] for r in rest} == {generation}
    # ... while a new search sees the new item first
    assert search(api, catalog, **body)["results"][0]["item"]["externalItemId"] == "new"


def test_a_selective_filter_finds_its_few_matches_far_past_the_first_candidates(api, catalog):
    # Given 600 items that all match the query better than the 3 the filter wants
    source = new_source(api, catalog["key"], "Large")
    crowd = {f"crowd-{n:04d}": {"content": f"agent setup agent setup number {n}"} for n in range(600)}
    needles = {
        f"needle-{n}": {"content": f"agent setup appendix {n}, with a long tail of other words", "tags": ["needle"]}
        for n in range(3)
    }
    batch(api, catalog["key"], source, crowd | needles)
    run_and_apply(api, catalog["key"], source)
    for mode in ("keyword", "hybrid"):
        # When searched for the crowd's words, filtered to the needles
        found = search(
            api, catalog, sourceIds=[source], mode=mode, limit=10, filters={"where": cond("tags", "contains", "needle")}
        )
        # Then all three come back, though hundreds of chunks rank above them unfiltered
        assert found_ids(found) == set(needles), mode
