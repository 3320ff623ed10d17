"""The quickstart with the Python SDK: a write key, a source, items synced and published, a search
and a cited answer. Run it against the local stack (`make run`):

    pip install ./clients/python
    KB_API_URL=http://127.0.0.1:3000/api KB_ADMIN_KEY=$(cat .local/admin.key) python examples/python/quickstart.py
"""

import os

from kb_client import Client

API_URL = os.environ.get("KB_API_URL", "http://127.0.0.1:3000/api")

FAQ = [
    {
        "externalItemId": "refunds",
        "title": "Refunds",
        "content": "Refunds take 14 days to reach your card.",
        "tags": ["billing"],
    },
    {"externalItemId": "shipping", "title": "Shipping", "content": "We ship worldwide within 2 business days."},
    {"externalItemId": "returns", "title": "Returns", "content": "Returns are free for 30 days after delivery."},
]


def main() -> None:
    # 0. An admin key creates a write key (its secret is shown once).
    with Client(os.environ["KB_ADMIN_KEY"], API_URL) as admin:
        write_key = admin.keys.create("quickstart", "write").secret
    assert write_key is not None

    with Client(write_key, API_URL) as client:
        # 1. A source.
        source = client.sources.create("Help center", grace_days=7)
        # 2. Items, in batches (retried safely: every request carries an Idempotency-Key).
        report = client.sync(source.id, FAQ)
        print("staged:", report.outcomes)
        # 3. Run and apply, waiting for both.
        published = client.publish(source.id)
        print("published:", published.applied.generation_id, published.run.counts)
        # 4. Search, and a cited answer.
        for result in client.search("how long do refunds take", limit=2).results:
            print(f"search: {result.item.external_item_id} ({result.score:.3f})")
        answer = client.query("How long do refunds take?", source_ids=[source.id])
        print("answer:", answer.answer)
        for number, cited in enumerate(answer.sources, 1):
            print(f"  [{number}] {cited.title} ({cited.external_item_id})")


if __name__ == "__main__":
    main()
