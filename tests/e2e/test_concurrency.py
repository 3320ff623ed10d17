"""Invariants two requests could race on, raced for real over HTTP."""

from concurrent.futures import ThreadPoolExecutor

from tests.e2e.conftest import run


def test_concurrent_first_pushes_of_one_item_create_it_exactly_once(api, writer_key, source_id):
    # When eight clients push the same new externalItemId at once, each with its own content
    def push(i):
        body = {"externalItemId": "race-1", "content": f"Version {i}."}
        return api.call("POST", f"/v1/sources/{source_id}/items", writer_key, body)

    with ThreadPoolExecutor(8) as pool:
        replies = list(pool.map(push, range(8)))
    # Then exactly one created it and the others updated it (no duplicate, no lost write)
    outcomes = sorted(r.json()["outcome"] for r in replies)
    assert [r.status_code for r in replies].count(201) == 1
    assert outcomes.count("created") == 1
    assert set(outcomes) <= {"created", "updated", "unchanged"}
    run = api.call("POST", f"/v1/sources/{source_id}/runs", writer_key).json()["run"]
    assert run["counts"]["created"] == 1


def test_of_concurrent_applies_from_one_base_exactly_one_publishes(api, writer_key, source_id):
    # Given three runs planned against the same (empty) base
    api.call("POST", f"/v1/sources/{source_id}/items", writer_key, {"externalItemId": "a", "content": "Alpha."})
    run_ids = [run(api, writer_key, source_id)["id"] for _ in range(3)]
    # When all three are applied at once
    with ThreadPoolExecutor(3) as pool:
        replies = list(
            pool.map(lambda rid: api.call("POST", f"/v1/sources/{source_id}/runs/{rid}/apply", writer_key), run_ids)
        )
    # Then exactly one publishes; the others lose cleanly (the lease is taken, or the base moved)
    statuses = sorted(r.status_code for r in replies)
    assert statuses == [200, 409, 409], [r.text for r in replies]
    losers = {r.json()["code"] for r in replies if r.status_code == 409}
    assert losers <= {"apply_in_progress", "stale_base"}
    winner = next(r.json() for r in replies if r.status_code == 200)
    source = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]
    assert source["currentGenerationId"] == winner["generationId"]
