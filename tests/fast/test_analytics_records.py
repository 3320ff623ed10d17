"""kb.analytics against moto: what a recorded request adds up to in the reports, the query log's
range and filters, and that a failure to record never raises."""

from datetime import UTC, datetime, timedelta

from kb.analytics.models import TopItem
from kb.analytics.recording import LoggedQuery, Notes, Recorder
from kb.analytics.repository import AnalyticsRepository
from kb.analytics.service import performance_report, usage_report
from kb.storage import Table

NOON = datetime(2026, 11, 26, 12, 30, tzinfo=UTC)


def recorder_at(table: Table, moment: datetime) -> Recorder:
    return Recorder(AnalyticsRepository(table), clock=lambda: moment)


def search(text: str, results: int) -> Notes:
    top = [TopItem(source_id="src_1", external_item_id=f"doc-{i}") for i in range(min(results, 5))]
    query = LoggedQuery(
        "srch_" + text.replace(" ", ""), "search", text, "keyword", None, None, results, top, results > 0
    )
    return Notes(query=query)


def test_requests_over_two_hours_add_up_by_hour_and_by_day_and_merge_into_percentiles(store):
    # Given searches of two keys in two hours, one of them a 500
    for moment, key, status, ms in [
        (NOON, "key_a", 200, 10.0),
        (NOON, "key_b", 200, 30.0),
        (NOON + timedelta(hours=1), "key_a", 500, 900.0),
    ]:
        recorder_at(store.table, moment).record_request(
            "ten_1", key, "POST /v1/search", None, status, ms / 1000, Notes()
        )
    repository = AnalyticsRepository(store.table)
    start, end = NOON - timedelta(hours=1), NOON + timedelta(hours=3)
    # When usage is read by hour and key, and by day
    hourly = usage_report(repository, store.table, "ten_1", start, end, "hour", "key")
    daily = usage_report(repository, store.table, "ten_1", start, end, "day", "none")
    # Then each hour and key has its own bucket, and the day holds all three
    assert [(b.start, b.key_id, b.requests.total, b.searches) for b in hourly.buckets] == [
        ("2026-11-26T12:00:00.000Z", "key_a", 1, 1),
        ("2026-11-26T12:00:00.000Z", "key_b", 1, 1),
        ("2026-11-26T13:00:00.000Z", "key_a", 1, 0),  # a failed search is not a search
    ]
    assert [(b.start, b.requests.total, b.requests.s5xx) for b in daily.buckets] == [("2026-11-26T00:00:00.000Z", 3, 1)]
    # And performance merges the hours' histograms: p50 is the middle request, p99 the slowest
    endpoint = performance_report(repository, "ten_1", start, end, None).endpoints[0]
    assert (endpoint.requests, endpoint.server_errors, round(endpoint.error_rate, 3)) == (3, 1, 0.333)
    assert endpoint.latency_ms.p50 is not None and endpoint.latency_ms.p99 is not None
    assert abs(endpoint.latency_ms.p50 / 30 - 1) < 0.045 and abs(endpoint.latency_ms.p99 / 900 - 1) < 0.045
    assert endpoint.latency_ms.mean == round((10 + 30 + 900) / 3, 3)
    # And a range that ends before the second hour does not see it
    assert (
        usage_report(
            repository, store.table, "ten_1", start, NOON + timedelta(minutes=1), "day", "none"
        ).totals.requests.total
        == 2
    )


def test_the_query_log_is_newest_first_within_the_range_and_filters_zero_results(store):
    # Given three logged searches a minute apart, the middle one finding nothing
    for minute, (text, results) in enumerate([("first", 3), ("second", 0), ("third", 7)]):
        moment = NOON + timedelta(minutes=minute)
        notes = search(text, results)
        notes.query.id = f"srch_{int(moment.timestamp() * 1000):011x}0000000{minute}"  # type: ignore[union-attr]
        recorder_at(store.table, moment).record_request("ten_1", "key_a", "POST /v1/search", None, 200, 0.01, notes)
    repository = AnalyticsRepository(store.table)
    ms = int(NOON.timestamp() * 1000)
    # Then the log pages newest first, zero-result entries on their own, the range respected
    every, _ = repository.log_page("ten_1", ms, ms + 10 * 60_000, None, None, 10, None)
    assert [e.text for e in every] == ["third", "second", "first"]
    assert every[0].top_items[0].external_item_id == "doc-0" and len(every[0].top_items) == 5
    zero, _ = repository.log_page("ten_1", ms, ms + 10 * 60_000, True, None, 10, None)
    assert [(e.text, e.result_count, e.found) for e in zero] == [("second", 0, False)]
    early, _ = repository.log_page("ten_1", ms, ms + 90_000, None, None, 10, None)
    assert [e.text for e in early] == ["second", "first"]
    # And another tenant's log is empty
    assert repository.log_page("ten_2", ms, ms + 10 * 60_000, None, None, 10, None)[0] == []


def test_a_failure_to_record_is_swallowed(store):
    # Given a recorder whose table does not exist
    broken = Recorder(AnalyticsRepository(Table(store.dynamodb, "NoSuchTable")), clock=lambda: NOON)
    # When a request and a duration are recorded / Then nothing is raised
    broken.record_request("ten_1", "key_a", "POST /v1/search", None, 200, 0.01, search("lost", 1))
    broken.record_duration("ten_1", "apply", 3.0)
