"""Auto publishing's debounce window and worker claim against moto's DynamoDB and SQS in memory:
every staging path opens the window, only the first change of a window sends a message (however
many writers race), and only one worker claims a window."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from kb.autopublish.models import PublishMessage
from kb.autopublish.repository import PublishStateRepository
from kb.autopublish.scheduler import AutoPublishTrigger, PublishQueue
from kb.ids import iso_now, new_id, to_iso, utcnow
from kb.items.batch import apply_batch
from kb.items.models import BatchRequest, UpsertItemRequest
from kb.items.repository import ItemRepository
from kb.items.service import delete_item, upsert_item
from kb.snapshots.models import SnapshotPageRequest
from kb.snapshots.service import add_page, begin_snapshot, commit_snapshot
from kb.sources.models import Publishing, Source, UpdateSourceRequest
from kb.sources.service import update_source


@pytest.fixture
def queue(store):
    import boto3

    sqs = boto3.client("sqs", region_name="us-east-1")
    url = sqs.create_queue(QueueName=new_id("autopublish"))["QueueUrl"]
    return sqs, url


@pytest.fixture
def trigger(store, queue):
    sqs, url = queue
    return AutoPublishTrigger(PublishStateRepository(store.table), PublishQueue(lambda: sqs, url))


@pytest.fixture
def watched_items(store, trigger):
    return ItemRepository(store.table, store.blobs, trigger)


def _auto_source(sources, delay: int = 0) -> Source:
    source = Source(
        id=new_id("src"),
        tenant_id="ten_fast",
        name="auto",
        grace_days=7,
        created_at=iso_now(),
        publishing=Publishing(mode="auto", delay_seconds=delay),
    )
    sources.create(source)
    return source


def _messages(queue) -> list[PublishMessage]:
    sqs, url = queue
    found: list[PublishMessage] = []
    while reply := sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages"):
        for message in reply:
            found.append(PublishMessage.model_validate(json.loads(message["Body"])))
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    return found


def _upsert(items, sources, source, item_id: str) -> None:
    upsert_item(items, sources, source, UpsertItemRequest(external_item_id=item_id, content=f"content of {item_id}"))


def test_twenty_racing_writers_open_one_window_and_send_one_message(watched_items, sources, queue):
    # Given an auto-publishing source
    source = _auto_source(sources)
    barrier = threading.Barrier(20)

    def write(n: int) -> None:
        barrier.wait()
        _upsert(watched_items, sources, source, f"item-{n}")

    # When twenty writers stage a change each, at once
    with ThreadPoolExecutor(20) as pool:
        list(pool.map(write, range(20)))
    # Then exactly one message was sent, for the window the source holds
    messages = _messages(queue)
    assert len(messages) == 1
    stored = sources.get(source.tenant_id, source.id)
    assert stored is not None and stored.publish_window is not None
    assert messages[0].window == stored.publish_window.owner


def test_a_manual_source_schedules_nothing(watched_items, sources, source, queue):
    # Given a manual source (the default), When an item is staged
    _upsert(watched_items, sources, source, "a")
    # Then no message is sent and no window is opened
    assert _messages(queue) == []
    stored = sources.get(source.tenant_id, source.id)
    assert stored is not None and stored.publish_window is None


@pytest.mark.parametrize("path", ["upsert", "batch", "delete", "snapshot"])
def test_every_staging_path_opens_the_window(path, watched_items, sources, snapshots, queue, items):
    # Given an auto-publishing source with one item staged before it was watched
    source = _auto_source(sources)
    _upsert(items, sources, source, "old")
    # When it is changed through the given path
    if path == "upsert":
        _upsert(watched_items, sources, source, "new")
    elif path == "batch":
        apply_batch(watched_items, sources, source, BatchRequest(items=[{"externalItemId": "b", "content": "c"}]))
    elif path == "delete":
        delete_item(watched_items, sources, source, "old")
    else:
        snapshot = begin_snapshot(snapshots, sources, source)
        add_page(snapshots, source, snapshot.id, SnapshotPageRequest(items=[{"externalItemId": "s", "content": "c"}]))
        commit_snapshot(snapshots, sources, watched_items, source, snapshot.id, allow_mass_deletion=True)
    # Then one message is on its way
    assert len(_messages(queue)) == 1


def test_an_unchanged_upsert_schedules_nothing(watched_items, sources, queue, store):
    # Given an auto source whose window has been taken by a worker
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    state = PublishStateRepository(store.table)
    assert state.claim(source, message.window, to_iso(utcnow() + timedelta(minutes=5)), iso_now()) is not None
    # When the same content is pushed again
    _upsert(watched_items, sources, source, "a")
    # Then nothing was written, so nothing is scheduled
    assert _messages(queue) == []


def test_switching_to_auto_schedules_what_is_already_staged(items, sources, source, trigger, queue):
    # Given a manual source with a staged change
    _upsert(items, sources, source, "a")
    # When it is switched to auto publishing
    request = UpdateSourceRequest.model_validate({"publishing": {"mode": "auto", "delaySeconds": 0}})
    update_source(sources, source, request, trigger)
    # Then a publish is scheduled
    assert len(_messages(queue)) == 1


def test_only_one_of_two_racing_workers_claims_a_window(watched_items, sources, queue, store):
    # Given an open window
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    state = PublishStateRepository(store.table)
    barrier = threading.Barrier(2)

    def claim(_: int) -> bool:
        barrier.wait()
        until = to_iso(utcnow() + timedelta(minutes=5))
        return state.claim(source, message.window, until, iso_now()) is not None

    # When two workers claim it at once (a message delivered twice)
    with ThreadPoolExecutor(2) as pool:
        claimed = list(pool.map(claim, range(2)))
    # Then exactly one builds, and the window is closed, so the next change opens a new one
    assert sorted(claimed) == [False, True]
    _upsert(watched_items, sources, source, "b")
    assert len(_messages(queue)) == 1


def test_a_window_is_not_claimed_while_an_apply_holds_the_lease(watched_items, sources, queue, store):
    # Given an open window and a manual apply holding the source's lease
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    now = utcnow()
    sources.acquire_lease(source, "gen_manual", to_iso(now + timedelta(minutes=5)), to_iso(now))
    state = PublishStateRepository(store.table)
    # When the worker tries to claim it
    claimed = state.claim(source, message.window, to_iso(now + timedelta(minutes=5)), to_iso(now))
    # Then it is refused and the window stays open for a later try
    assert claimed is None
    stored = sources.get(source.tenant_id, source.id)
    assert stored is not None and stored.publish_window is not None


def _publisher(store, sources, trigger, items):
    from kb.autopublish.worker import AutoPublisher, PublishSettings
    from kb.generations.repository import GenerationRepository
    from kb.runs.repository import RunRepository
    from kb.webhooks.events import EventPublisher

    settings = PublishSettings("", "", 1.0, 300, 30, retry_seconds=0, max_attempts=4, worker_seconds=960)
    return AutoPublisher(
        sources=sources,
        state=PublishStateRepository(store.table),
        trigger=trigger,
        runs=RunRepository(store.table),
        items=items,
        generations=GenerationRepository(store.table),
        workflows=None,  # type: ignore[arg-type]  # none of these cases gets as far as a run
        events=EventPublisher(None, ""),
        clock=utcnow,
        settings=settings,
    )


def test_a_message_whose_window_was_replaced_is_dropped(store, sources, trigger, watched_items, queue):
    # Given a window's message, and the window closed meanwhile
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    PublishStateRepository(store.table).close_window(source, message.window)
    # When it arrives, Then it is dropped and nothing is sent again
    assert _publisher(store, sources, trigger, watched_items).handle(message) == "stale"
    assert _messages(queue) == []


def test_a_window_of_a_source_switched_to_manual_is_closed_when_it_ends(store, sources, trigger, watched_items, queue):
    # Given a window's message, and the source switched to manual before it arrives
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    update_source(sources, source, UpdateSourceRequest.model_validate({"publishing": {"mode": "manual"}}))
    # When it arrives, Then nothing runs, the window is closed, and later changes schedule nothing
    assert _publisher(store, sources, trigger, watched_items).handle(message) == "stopped"
    stored = sources.get(source.tenant_id, source.id)
    assert stored is not None and stored.publish_window is None and not stored.publish_pending
    _upsert(watched_items, sources, stored, "b")
    assert _messages(queue) == []


@pytest.mark.parametrize("busy_with", ["a manual apply", "an open snapshot"])
def test_a_window_ending_while_the_source_is_busy_waits_for_it(
    busy_with, store, sources, snapshots, trigger, watched_items, queue
):
    # Given a window's message and a source busy with a manual apply's lease or an open snapshot
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [message] = _messages(queue)
    if busy_with == "a manual apply":
        now = utcnow()
        sources.acquire_lease(source, "gen_manual", to_iso(now + timedelta(minutes=5)), to_iso(now))
    else:
        begin_snapshot(snapshots, sources, source)
    # When it arrives
    outcome = _publisher(store, sources, trigger, watched_items).handle(message)
    # Then it comes back later, the window still open (so changes keep folding into it)
    assert outcome == "busy"
    assert _messages(queue) == [message]
    stored = sources.get(source.tenant_id, source.id)
    assert stored is not None and stored.publish_window is not None and stored.publish_window.owner == message.window


def test_a_window_opened_during_a_build_is_sent_again_when_the_build_ends(
    store, sources, trigger, watched_items, queue
):
    # Given a worker building a window, and a change that opened the next window meanwhile
    source = _auto_source(sources)
    _upsert(watched_items, sources, source, "a")
    [first] = _messages(queue)
    state = PublishStateRepository(store.table)
    claimed = state.claim(source, first.window, to_iso(utcnow() + timedelta(minutes=5)), iso_now())
    assert claimed is not None
    _upsert(watched_items, sources, source, "b")
    [second] = _messages(queue)  # it would find the source busy and come back after the retry delay
    # When the worker ends its claim
    _publisher(store, sources, trigger, watched_items).release(claimed, first.window)
    # Then the next window's message is sent again at once (its delay, 0, has passed)
    assert _messages(queue) == [second]
