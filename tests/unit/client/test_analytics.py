"""The SDK's and the CLI's analytics and feedback against canned answers (httpx.MockTransport):
the query parameters they send, the query log followed across pages, exports streamed page after
page, and feedback's either-or rule. The same endpoints against the real API: tests/e2e/test_sdk_analytics.py."""

import asyncio
import csv
import json
from datetime import UTC, datetime

import httpx
import pytest
from click.testing import CliRunner

from kb_client import AsyncClient, Client
from kb_client import cli as kb_cli
from kb_client.analytics import lines, without_header

from .test_training_and_gates import routed, sync_client

BASE = "/api/v1/analytics"
COUNTS = {"total": 3, "2xx": 2, "3xx": 0, "4xx": 1, "5xx": 0}
USAGE = {
    "from": "2026-01-01T00:00:00Z",
    "to": "2026-01-02T00:00:00Z",
    "granularity": "day",
    "groupBy": "source",
    "buckets": [{"start": "2026-01-01T00:00:00Z", "sourceId": "src_1", "requests": COUNTS, "searches": 2}],
    "totals": {"requests": COUNTS, "searches": 2, "ratingsUp": 1},
    "stored": {"items": 4, "bytes": 120, "chunks": 5, "sources": [{"sourceId": "src_1", "items": 4, "chunks": 5}]},
}


def entry(n: int, kind: str = "search") -> dict:
    return {
        "id": f"qry_{n}",
        "kind": kind,
        "createdAt": "2026-01-01T00:00:00Z",
        "keyId": "key_1",
        "text": f"question {n}",
        "resultCount": 0,
        "found": False,
        "latencyMs": 1.5,
    }


def test_usage_sends_its_range_and_grouping_as_the_apis_parameters_and_reads_the_report():
    seen: list[httpx.Request] = []
    client = sync_client({f"GET {BASE}/usage": [httpx.Response(200, json=USAGE)]}, seen)
    # When usage is read for a range given as datetimes, by day and source
    report = client.analytics.usage(
        from_=datetime(2026, 1, 1, tzinfo=UTC), to="2026-01-02T00:00:00Z", granularity="day", group_by="source"
    )
    # Then the parameters have the API's names, the datetime as ISO 8601, and the report is typed
    assert dict(seen[0].url.params) == {
        "from": "2026-01-01T00:00:00+00:00",
        "to": "2026-01-02T00:00:00Z",
        "granularity": "day",
        "groupBy": "source",
    }
    assert (report.totals.searches, report.buckets[0].source_id, report.stored.chunks) == (2, "src_1", 5)
    assert report.totals.requests is not None and report.totals.requests.field_4xx == 1


def test_the_query_log_is_followed_across_pages_with_its_filters_on_every_page():
    seen: list[httpx.Request] = []
    pages = [
        httpx.Response(200, json={"queries": [entry(1), entry(2)], "nextCursor": "c2"}),
        httpx.Response(200, json={"queries": [entry(3)], "nextCursor": None}),
    ]
    client = sync_client({f"GET {BASE}/queries": pages}, seen)
    # When every zero-result search is iterated, two a page
    found = [e.id for e in client.analytics.queries(kind="search", zero_results=True, limit=2)]
    # Then both pages were read, the second by the first's cursor, each with the same filters
    assert found == ["qry_1", "qry_2", "qry_3"]
    assert [dict(r.url.params) for r in seen] == [
        {"kind": "search", "zeroResults": "true", "limit": "2"},
        {"kind": "search", "zeroResults": "true", "limit": "2", "cursor": "c2"},
    ]


CSV_HEADER = b"id,kind,text\n"


def csv_pages() -> list[httpx.Response]:
    return [
        httpx.Response(200, content=CSV_HEADER + b'qry_1,search,"two\nlines"\n', headers={"X-Next-Cursor": "c2"}),
        httpx.Response(200, content=CSV_HEADER + b"qry_2,query,caf\xc3\xa9\n"),
    ]


def test_a_csv_export_follows_the_next_cursor_header_and_has_its_header_row_once():
    seen: list[httpx.Request] = []
    client = sync_client({f"GET {BASE}/queries": csv_pages()}, seen)
    # When the log is exported as CSV
    exported = b"".join(client.analytics.export("csv", kind="query"))
    # Then the pages were fetched by X-Next-Cursor and joined into one CSV document
    assert [r.url.params.get("cursor") for r in seen] == [None, "c2"]
    assert {r.url.params["format"] for r in seen} == {"csv"} and seen[0].url.params["kind"] == "query"
    rows = list(csv.reader(exported.decode().splitlines(keepends=True)))
    assert rows == [["id", "kind", "text"], ["qry_1", "search", "two\nlines"], ["qry_2", "query", "café"]]


def test_export_lines_read_as_a_files_lines_by_csv_and_json():
    client = sync_client({f"GET {BASE}/queries": csv_pages()}, [])
    assert list(csv.reader(client.analytics.export_lines("csv")))[1:] == [
        ["qry_1", "search", "two\nlines"],
        ["qry_2", "query", "café"],
    ]
    jsonl = [httpx.Response(200, content=b"".join(json.dumps(entry(n)).encode() + b"\n" for n in (1, 2)))]
    client = sync_client({f"GET {BASE}/queries": jsonl}, [])
    assert [json.loads(line)["id"] for line in client.analytics.export_lines("jsonl")] == ["qry_1", "qry_2"]


def test_lines_and_headers_split_across_chunks_are_put_back_together():
    # Given a body whose line breaks and a two-byte character fall across chunk boundaries
    chunks = [b"id,te", b"xt\nq1,caf\xc3", b"\xa9\nq2,", b"end"]
    # Then the lines are whole, and a later page's header is dropped whole
    assert list(lines(chunks)) == ["id,text\n", "q1,café\n", "q2,end"]
    assert b"".join(without_header(chunks)) == b"q1,caf\xc3\xa9\nq2,end"


@pytest.mark.parametrize(
    "target",
    [{}, {"query_id": "qry_1", "chat_id": "chat_1", "message_id": "msg_1"}, {"chat_id": "chat_1"}],
    ids=["none", "both", "chat-without-message"],
)
def test_feedback_needs_one_answer_and_sends_nothing_otherwise(target):
    seen: list[httpx.Request] = []
    client = sync_client({"POST /api/v1/feedback": [httpx.Response(200, json={})]}, seen)
    with pytest.raises(ValueError, match=r"query_id|message_id"):
        client.analytics.feedback("up", **target)
    assert seen == []


def test_feedback_on_a_chat_answer_sends_the_apis_body_with_an_idempotency_key():
    seen: list[httpx.Request] = []
    rated = {"targetId": "msg_1", "kind": "chat", "chatId": "chat_1", "rating": "down", "createdAt": "2026-01-01"}
    client = sync_client({"POST /api/v1/feedback": [httpx.Response(200, json={"feedback": rated})]}, seen)
    feedback = client.analytics.feedback("down", chat_id="chat_1", message_id="msg_1", comment="Wrong page")
    assert json.loads(seen[0].content) == {
        "chatId": "chat_1",
        "messageId": "msg_1",
        "rating": "down",
        "comment": "Wrong page",
    }
    assert "Idempotency-Key" in seen[0].headers
    assert (feedback.kind, feedback.target_id, feedback.replaced) == ("chat", "msg_1", None)


def test_settings_are_read_and_changed_in_the_apis_names():
    seen: list[httpx.Request] = []
    settings = {"settings": {"queryLogging": "redacted", "retentionDays": 7}}
    client = sync_client(
        {
            f"GET {BASE}/settings": [
                httpx.Response(200, json={"settings": {"queryLogging": "full", "retentionDays": 30}})
            ],
            f"PATCH {BASE}/settings": [httpx.Response(200, json=settings)],
        },
        seen,
    )
    assert client.analytics.settings().query_logging == "full"
    changed = client.analytics.update_settings(query_logging="redacted", retention_days=7)
    assert json.loads(seen[1].content) == {"queryLogging": "redacted", "retentionDays": 7}
    assert (changed.query_logging, changed.retention_days) == ("redacted", 7)


def test_the_async_client_follows_the_log_and_streams_an_export():
    seen: list[httpx.Request] = []
    answers = {
        f"GET {BASE}/queries": [
            httpx.Response(200, json={"queries": [entry(1)], "nextCursor": "c2"}),
            httpx.Response(200, json={"queries": [entry(2, "chat")], "nextCursor": None}),
            *csv_pages(),
        ],
        f"GET {BASE}/performance": [
            httpx.Response(200, json={"from": "a", "to": "b", "endpoints": [], "durations": []})
        ],
    }

    async def scenario() -> tuple[list[str], list[str], str]:
        http = httpx.AsyncClient(transport=routed(answers, seen))
        async with AsyncClient("sk_live_test", "http://api.test/api", http_client=http) as client:
            logged: list[str] = [e.kind async for e in client.analytics.queries()]
            exported = [line async for line in client.analytics.export_lines("csv")]
            report = await client.analytics.performance(key_id="key_1")
            return logged, exported, report.to

    logged, exported, to = asyncio.run(scenario())
    assert logged == ["search", "chat"]
    assert exported == ["id,kind,text\n", 'qry_1,search,"two\n', 'lines"\n', "qry_2,query,café\n"]
    assert to == "b" and seen[-1].url.params["keyId"] == "key_1"


def cli(answers: dict[str, list[httpx.Response]], seen: list[httpx.Request], monkeypatch, *args: str):
    monkeypatch.setattr(
        kb_cli,
        "Client",
        lambda key, url, stream_url=None: Client(key, url, http_client=httpx.Client(transport=routed(answers, seen))),
    )
    return CliRunner().invoke(kb_cli.cli, ["--key", "sk_live_test", "--url", "http://api.test/api", *args])


def test_kb_analytics_usage_prints_the_report_as_json_for_scripts(monkeypatch):
    seen: list[httpx.Request] = []
    result = cli(
        {f"GET {BASE}/usage": [httpx.Response(200, json=USAGE)]},
        seen,
        monkeypatch,
        "--json",
        "analytics",
        "usage",
        "--group-by",
        "source",
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["totals"]["ratingsUp"] == 1
    assert seen[0].url.params["groupBy"] == "source"


def test_kb_analytics_queries_export_writes_the_csv_to_stdout(monkeypatch):
    result = cli({f"GET {BASE}/queries": csv_pages()}, [], monkeypatch, "analytics", "queries", "--export", "csv")
    assert result.exit_code == 0, result.output
    assert result.output.count("id,kind,text") == 1 and result.output.endswith("qry_2,query,café\n")


def test_kb_feedback_without_a_target_is_a_usage_error_and_with_one_prints_the_rating(monkeypatch):
    seen: list[httpx.Request] = []
    rated = {"targetId": "qry_1", "kind": "query", "rating": "up", "createdAt": "2026-01-01", "replaced": "down"}
    answers = {"POST /api/v1/feedback": [httpx.Response(200, json={"feedback": rated})]}
    refused = cli(answers, seen, monkeypatch, "feedback", "up", "--chat-id", "chat_1")
    assert refused.exit_code == 2 and "message_id" in refused.output and seen == []
    result = cli(answers, seen, monkeypatch, "--json", "feedback", "up", "--query-id", "qry_1")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["replaced"] == "down"
    assert json.loads(seen[0].content) == {"queryId": "qry_1", "rating": "up"}
