"""The Python SDK's analytics and feedback (clients/python, `client.analytics`) against the local
stack: a widget key's traffic read back as usage, performance, the query log (followed across
pages), its exports (followed by X-Next-Cursor) and its settings, by the sync and async clients.

A new tenant, and every report read for the widget key alone, so the suite's other traffic cannot
show up. Requests are recorded just after their responses: the test polls, with a deadline, until
the reports show the widget's traffic, then asserts exactly."""

import asyncio
import csv
import json

from kb.keys.repository import KeyRepository
from kb.keys.service import bootstrap_tenant
from kb_client import AsyncClient, Client
from kb_client import models as m
from tests.e2e.receiver import wait_until

RECORDED_SECONDS = 20


def test_a_keys_searches_answers_and_rating_come_back_through_the_sdks_analytics(api, table):
    # Given a new tenant whose widget key publishes an item, asks a question, searches for what is
    # not there, and rates the answer
    admin_secret = bootstrap_tenant(KeyRepository(table), "sdk analytics").secret
    assert admin_secret is not None
    with Client(admin_secret, api.url) as admin:
        created = admin.keys.create("widget", "write")
        assert created.secret is not None
        widget_id = created.key.id
        with Client(created.secret, api.url) as widget:
            source = widget.sources.create("Help")
            widget.sync(
                source.id, [{"externalItemId": "refunds", "title": "Refunds", "content": "Refunds take 14 days."}]
            )
            assert widget.publish(source.id).applied.status == "published"
            answer = widget.query("How long do refunds take?", source_ids=[source.id])
            assert answer.found and answer.query_id is not None
            assert widget.search("zebra migration", mode="keyword", source_ids=[source.id]).results == []
            rated = widget.analytics.feedback("up", query_id=answer.query_id, comment="Exactly right")
        assert (rated.kind, rated.target_id, rated.rating) == ("query", answer.query_id, "up")

        # When the admin reads the widget's usage by key, once its traffic is recorded
        def widget_usage() -> m.UsageBucket | None:
            buckets = admin.analytics.usage(granularity="day", group_by="key").buckets
            mine = next((b for b in buckets if b.key_id == widget_id), None)
            return mine if mine is not None and mine.searches and mine.queries and mine.ratings_up else None

        counted = wait_until(widget_usage, RECORDED_SECONDS)
        # Then it counts exactly what the widget did
        assert (counted.items_pushed, counted.runs, counted.applies) == (1, 1, 1)
        assert (counted.searches, counted.queries, counted.ratings_up, counted.ratings_down) == (1, 1, 1, 0)

        # And the query log, one entry a page, is followed to its end, newest first, with the rating
        def widget_log() -> list[m.QueryLogEntry] | None:
            logged = [e for e in admin.analytics.queries(limit=1) if e.key_id == widget_id]
            return logged if len(logged) == 2 else None

        logged = wait_until(widget_log, RECORDED_SECONDS)
        assert [(e.kind, e.text, e.result_count) for e in logged] == [
            ("search", "zebra migration", 0),
            ("query", "How long do refunds take?", 1),
        ]
        assert (logged[1].id, logged[1].rating, logged[1].comment) == (answer.query_id, "up", "Exactly right")
        assert [e.id for e in admin.analytics.queries(zero_results=True)] == [logged[0].id]

        # And the exports hold the same entries: JSON lines, and CSV fetched a page an entry
        exported = [json.loads(line) for line in admin.analytics.export_lines("jsonl")]
        assert [e["id"] for e in exported if e["keyId"] == widget_id] == [e.id for e in logged]
        rows = list(csv.DictReader(admin.analytics.export_lines("csv", limit=1)))
        assert [(r["id"], r["rating"]) for r in rows if r["keyId"] == widget_id] == [
            (logged[0].id, ""),
            (answer.query_id, "up"),
        ]

        # And the widget's performance has its one search, with a latency
        performance = admin.analytics.performance(key_id=widget_id)
        search = next(e for e in performance.endpoints if e.endpoint == "POST /v1/search")
        assert (search.requests, search.server_errors) == (1, 0) and (search.latency_ms.p50 or 0) > 0

        # And the settings change, and read back changed
        changed = admin.analytics.update_settings(query_logging="redacted", retention_days=7)
        assert (changed.query_logging, changed.retention_days) == ("redacted", 7)
        assert admin.analytics.settings() == changed

    # And the async client reads the same log and the same counts
    async def read_async() -> tuple[list[str], int | None]:
        async with AsyncClient(admin_secret, api.url) as client:
            ids = [e.id async for e in client.analytics.queries() if e.key_id == widget_id]
            report = await client.analytics.usage(granularity="day", group_by="key")
            return ids, next(b.searches for b in report.buckets if b.key_id == widget_id)

    assert asyncio.run(read_async()) == ([e.id for e in logged], 1)
