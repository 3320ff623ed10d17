"""Cited answers (/v1/query) and chats, end to end."""

import json

from local.deploy import client
from tests.e2e.test_search import publish_help_center, search
from tests.e2e.test_snapshots import manifest_items


def chunk_ids(api, entry):
    """The chunk ids of an item's chunk document in S3: its line of a chunk pack (the entry's range)."""
    start, end = entry["chunksRange"]
    reply = client("s3", api.info["moto_endpoint"]).get_object(
        Bucket=api.info["bucket_name"], Key=entry["chunksKey"], Range=f"bytes={start}-{end - 1}"
    )
    return [chunk["id"] for chunk in json.loads(reply["Body"].read())["chunks"]]


def test_an_answer_quotes_the_knowledge_base_and_cites_real_chunks(api, writer_key, source_id):
    # Given a published help center
    publish_help_center(api, writer_key, source_id)
    # When a question is asked
    reply = api.call("POST", "/v1/query", writer_key, {"query": "How long do refunds take?", "sourceIds": [source_id]})
    # Then the answer is extractive, says what the refund page says, and cites it first
    assert reply.status_code == 200, reply.text
    answer = reply.json()
    assert answer["mode"] == "extractive" and answer["found"] is True
    assert "Refunds are processed within 14 days of receiving the returned item. [1]" in answer["answer"]
    first = answer["sources"][0]
    assert (first["externalItemId"], first["title"], first["relevance"]) == ("refunds", "Refund policy", 1.0)
    assert all(0 < s["relevance"] <= 1 for s in answer["sources"])
    # And every cited chunk is one of its item's chunks in the published generation (its chunk
    # document in S3), and a chunk the search serves, with its text as the excerpt
    generation = api.call("GET", f"/v1/sources/{source_id}", writer_key).json()["source"]["currentGenerationId"]
    items = manifest_items(api, writer_key, source_id, generation, None)
    for source in answer["sources"]:
        assert source["chunkId"] in chunk_ids(api, items[source["externalItemId"]])
    served = {
        r["chunkId"]: r["text"]
        for r in search(api, writer_key, source_id, "refunds", mode="semantic", limit=50)["results"]
    }
    for source in answer["sources"]:
        assert served[source["chunkId"]].startswith(source["excerpt"].removesuffix("…"))


def test_a_question_the_knowledge_base_cannot_answer_says_so(api, writer_key, source_id):
    publish_help_center(api, writer_key, source_id)
    reply = api.call(
        "POST", "/v1/query", writer_key, {"query": "What is the capital of Mongolia?", "sourceIds": [source_id]}
    )
    answer = reply.json()
    assert (answer["found"], answer["sources"]) == (False, [])
    assert "could not find" in answer["answer"]


def test_a_chat_answers_each_message_and_keeps_the_history(api, writer_key, source_id):
    publish_help_center(api, writer_key, source_id)
    # Given a chat started with a question
    started = api.call(
        "POST", "/v1/chats", writer_key, {"message": "How do I reset my password?", "sourceIds": [source_id]}
    )
    assert started.status_code == 201, started.text
    chat_id = started.json()["chat"]["id"]
    assert started.json()["message"]["sources"][0]["externalItemId"] == "password"
    # When a follow-up is sent
    followed = api.call(
        "POST", f"/v1/chats/{chat_id}/messages", writer_key, {"message": "How long does shipping take?"}
    )
    assert followed.status_code == 200, followed.text
    assert followed.json()["message"]["sources"][0]["externalItemId"] == "shipping"
    # Then the history holds both turns in order, answers cited
    history = api.call("GET", f"/v1/chats/{chat_id}/history", writer_key).json()
    assert [(m["role"], m["content"][:20]) for m in history["messages"]][::2] == [
        ("user", "How do I reset my pa"),
        ("user", "How long does shippi"),
    ]
    assert [m["role"] for m in history["messages"]] == ["user", "assistant", "user", "assistant"]
    assert history["chat"]["messageCount"] == 4
    assert all(m["sources"] for m in history["messages"] if m["role"] == "assistant")


def test_another_tenant_cannot_read_or_continue_a_chat(api, writer_key, source_id, other_tenant_admin):
    publish_help_center(api, writer_key, source_id)
    chat_id = api.call("POST", "/v1/chats", writer_key, {"message": "refunds?", "sourceIds": [source_id]}).json()[
        "chat"
    ]["id"]
    assert api.call("GET", f"/v1/chats/{chat_id}/history", other_tenant_admin).status_code == 404
    reply = api.call("POST", f"/v1/chats/{chat_id}/messages", other_tenant_admin, {"message": "hi"})
    assert (reply.status_code, reply.json()["code"]) == (404, "not_found")


def test_concurrent_messages_to_one_chat_never_share_a_place_in_the_history(api, writer_key, source_id):
    from concurrent.futures import ThreadPoolExecutor

    publish_help_center(api, writer_key, source_id)
    chat_id = api.call("POST", "/v1/chats", writer_key, {"message": "refunds?", "sourceIds": [source_id]}).json()[
        "chat"
    ]["id"]
    questions = ["shipping?", "password?", "warranty?", "refunds again?"]
    with ThreadPoolExecutor(4) as pool:
        replies = list(
            pool.map(lambda q: api.call("POST", f"/v1/chats/{chat_id}/messages", writer_key, {"message": q}), questions)
        )
    assert [r.status_code for r in replies] == [200] * 4
    history = api.call("GET", f"/v1/chats/{chat_id}/history", writer_key).json()["messages"]
    assert len(history) == 10
    assert sorted(m["content"] for m in history if m["role"] == "user") == sorted(["refunds?", *questions])
