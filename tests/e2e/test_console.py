"""The web console in a real headless chromium, against the local stack over HTTP: the main flows
a user clicks through, its key handling, its layout on a phone, keyboard use and axe's checks."""

import uuid
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import BrowserContext, Page, expect

from local.controls import Controls
from tests.e2e.conftest import Api, apply, push, run
from tests.e2e.console_browser import chromium, sign_in
from tests.e2e.receiver import Receiver, start_receiver, wait_until

TIMEOUT_MS = 60_000  # a loaded CI machine: runs and applies take seconds


@pytest.fixture(scope="module")
def browser() -> Iterator[BrowserContext]:
    with chromium() as context:
        context.set_default_timeout(TIMEOUT_MS)
        expect.set_options(timeout=TIMEOUT_MS)
        yield context


@pytest.fixture
def page(browser: BrowserContext) -> Iterator[Page]:
    """A fresh tab (its own sessionStorage) that records what the page reports as errors."""
    tab = browser.new_page()
    errors: list[str] = []
    tab.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.errors = errors  # type: ignore[attr-defined]
    yield tab
    tab.close()


@pytest.fixture
def console(api: Api) -> str:
    return api.url.removesuffix("/api") + "/console"


def published_source(api: Api, key: str, items: dict[str, str]) -> tuple[str, str]:
    """A source whose items are published: (source id, generation id)."""
    source = api.call("POST", "/v1/sources", key, {"name": f"Console {uuid.uuid4().hex[:6]}"}).json()["source"]["id"]
    for item_id, content in items.items():
        assert push(api, key, source, item_id, content, title=item_id.title()).status_code == 201
    applied = apply(api, key, source, run(api, key, source)["id"])
    assert applied.status_code == 200, applied.text
    return source, applied.json()["generationId"]


def test_the_key_stays_in_this_tabs_session_and_goes_only_to_the_api(api: Api, page: Page, console: str):
    # Given every request the tab makes
    seen: list[Any] = []
    page.on("request", lambda request: seen.append(request))
    # When an admin signs in and opens the keys screen
    sign_in(page, console, api.admin_key)
    page.get_by_role("link", name="Keys").click()
    expect(page.get_by_role("heading", name="API keys", level=1)).to_be_visible()
    # Then the key is in sessionStorage only: no localStorage, no cookie
    assert page.evaluate("sessionStorage.getItem('kb.console.apiKey')") == api.admin_key
    assert page.evaluate("localStorage.length") == 0 and page.context.cookies() == []
    # And it was sent only in the Authorization header of requests to the API
    carrying = [r for r in seen if api.admin_key in r.url + (r.post_data or "") + str(r.headers)]
    assert carrying and all(r.url.startswith(api.url + "/") for r in carrying)
    assert all(r.headers["authorization"] == f"Bearer {api.admin_key}" and api.admin_key not in r.url for r in carrying)
    # When the user signs out, the key is gone and the sign-in form is back
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_label("API key")).to_be_visible()
    assert page.evaluate("sessionStorage.length") == 0
    assert page.errors == []  # type: ignore[attr-defined]


def test_a_wrong_key_is_refused_at_sign_in(api: Api, page: Page, console: str):
    page.goto(console)
    page.get_by_label("API key").fill("sk_live_0000000000000000_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_contain_text("Sign-in failed")
    assert page.evaluate("sessionStorage.length") == 0


def test_a_created_key_shows_its_secret_once(api: Api, page: Page, console: str):
    # Given an admin on the keys screen
    sign_in(page, console, api.admin_key)
    page.goto(console + "#/keys")
    # When they create a read key
    name = f"console reader {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name").fill(name)
    page.get_by_label("Scope").select_option("read")
    page.get_by_role("button", name="Create key").click()
    # Then its secret is shown, and it works against the API
    secret = page.locator("[data-secret]").inner_text()
    assert secret.startswith("sk_live_")
    assert api.call("GET", "/v1/sources", secret).status_code == 200
    expect(page.get_by_role("row", name=name)).to_contain_text("read")
    # And once dismissed it is nowhere in the page, not even after coming back
    page.get_by_role("button", name="I have stored it").click()
    assert secret not in page.content()
    page.get_by_role("link", name="Sources").click()
    page.get_by_role("link", name="Keys").click()
    expect(page.get_by_role("row", name=name)).to_be_visible()
    assert secret not in page.content() and secret not in str(page.evaluate("Object.values(sessionStorage)"))


def test_a_key_rotated_in_the_console_shows_its_new_secret_once_and_both_work(api: Api, page: Page, console: str):
    # Given a key
    name = f"console rotated {uuid.uuid4().hex[:6]}"
    old = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": name, "scope": "read"}).json()["secret"]
    sign_in(page, console, api.admin_key)
    page.goto(console + "#/keys")
    # When it is rotated (confirmed in the dialog)
    page.get_by_role("button", name=f"Rotate {name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Rotate").click()
    # Then the new secret is shown once, and both it and the old one work through the overlap
    new = page.locator("[data-secret]").inner_text()
    assert new != old and api.call("GET", "/v1/sources", new).status_code == 200
    assert api.call("GET", "/v1/sources", old).status_code == 200
    page.get_by_role("button", name="I have stored it").click()
    assert new not in page.content()


def test_a_key_revoked_in_the_console_stops_working(api: Api, page: Page, console: str):
    # Given a key
    name = f"console doomed {uuid.uuid4().hex[:6]}"
    created = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": name, "scope": "read"}).json()
    sign_in(page, console, api.admin_key)
    page.goto(console + "#/keys")
    # When it is revoked (confirmed in the dialog)
    page.get_by_role("button", name=f"Revoke {name}").click()
    page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
    # Then the console shows it revoked and the API refuses it
    expect(page.get_by_role("row", name=name)).to_contain_text("revoked")
    assert api.call("GET", "/v1/sources", created["secret"]).json()["code"] == "key_revoked"


def test_a_source_created_in_the_console_lists_the_items_pushed_to_it(
    api: Api, writer_key: str, page: Page, console: str
):
    # Given a source created in the console
    sign_in(page, console, writer_key)
    name = f"Console help {uuid.uuid4().hex[:6]}"
    page.get_by_label("Name").fill(name)
    page.get_by_role("button", name="Create source").click()
    page.get_by_role("link", name=name).click()
    source_id = page.url.split("/sources/")[1].split("/")[0]
    # When items are pushed to it through the API
    push(api, writer_key, source_id, "refunds", "Refunds take 14 days.", title="Refunds")
    push(api, writer_key, source_id, "shipping", "We ship in 2 days.", title="Shipping")
    page.reload()
    # Then its items screen lists them, and one opens to its content
    expect(page.get_by_role("row", name="Shipping")).to_contain_text("active")
    page.get_by_text("Refunds", exact=True).click()
    expect(page.get_by_text("Refunds take 14 days.")).to_be_visible()


def test_a_run_shows_its_changes_as_a_diff_and_applies(api: Api, writer_key: str, page: Page, console: str):
    # Given a published source, then one item changed, one added and one deleted
    source, first = published_source(
        api, writer_key, {"refunds": "Refunds take 14 days.", "returns": "Returns are free."}
    )
    push(api, writer_key, source, "refunds", "Refunds take 7 days.", title="Refunds")
    push(api, writer_key, source, "shipping", "We ship in 2 days.", title="Shipping")
    api.call("DELETE", f"/v1/sources/{source}/items/returns", writer_key)
    # When a run is started in the console
    sign_in(page, console, writer_key)
    page.goto(f"{console}#/sources/{source}/runs")
    page.get_by_role("button", name="Start a run").click()
    # Then its changes read as a diff: a sign and words for each item
    changes = page.get_by_role("list", name="Changes (3)")
    expect(changes.get_by_role("listitem").filter(has_text="shipping")).to_contain_text("+shippingadded")
    expect(changes.get_by_role("listitem").filter(has_text="refunds")).to_contain_text("~refundschanged")
    expect(changes.get_by_role("listitem").filter(has_text="returns")).to_contain_text(
        "\u2212returnsdeleted"
    )  # a minus sign
    # And an updated item opens to the words it changes against the published version
    page.get_by_text("Compare refunds with the published version").click()
    refunds = changes.get_by_role("listitem").filter(has_text="refunds").locator(".word-diff")
    expect(refunds.locator("del")).to_have_text("[removed: 14]")
    expect(refunds.locator("ins")).to_have_text("[added: 7]")
    expect(refunds).to_contain_text("Refunds take")
    # And a deleted item opens to what it publishes now, all of it to be removed
    page.get_by_text("What returns publishes now").click()
    returns = changes.get_by_role("listitem").filter(has_text="returns")
    expect(returns.locator(".word-diff del")).to_have_text("[removed: Returns are free.]")
    expect(returns.get_by_role("row", name="Title")).to_contain_text("Returns")
    # When it is applied
    page.get_by_role("button", name="Apply (publish)").click()
    # Then a new generation serves
    expect(page.get_by_role("status")).to_contain_text("Apply published")
    current = api.call("GET", f"/v1/sources/{source}", writer_key).json()["source"]["currentGenerationId"]
    assert current != first
    expect(page.locator(".result")).to_contain_text(current)


POLICY = "Shipping is free in the EU. Refunds take 14 days from the day the parcel arrives."


@pytest.fixture(scope="module")
def published(api: Api) -> tuple[str, str]:
    """One published source the reading tests share (a run and an apply cost seconds): its id and a
    write key for it."""
    key = api.call("POST", "/v1/admin/keys", api.admin_key, {"name": "console reader", "scope": "write"}).json()
    source, _ = published_source(api, key["secret"], {"policy": POLICY, "hours": "Opening hours are nine to five."})
    return source, key["secret"]


def test_search_finds_an_item_and_opens_its_citation_in_place(published: tuple[str, str], page: Page, console: str):
    # Given a published source
    source, key = published
    sign_in(page, console, key)
    page.get_by_role("link", name="Search & answers").click()
    # When a keyword search is made in that source
    page.get_by_label("Question or search").fill("parcel arrives")
    page.get_by_label("Search mode").select_option("keyword")
    page.get_by_label("Sources").select_option(source)
    page.get_by_role("button", name="Go").click()
    # Then its result is listed, and its citation opens in place with the cited stretch marked
    expect(page.get_by_role("heading", name="1 results (keyword)")).to_be_visible()
    expect(page.locator(".result-card")).to_contain_text("Policy")
    page.get_by_role("button", name="Open result 1").click()
    expect(page.locator(".citation mark")).to_have_text(POLICY)  # one short item: one chunk, all of it
    expect(page.get_by_role("button", name="Close result 1")).to_have_attribute("aria-expanded", "true")


def test_an_answer_cites_its_sources_and_opens_them_in_place(published: tuple[str, str], page: Page, console: str):
    # Given a published source
    source, key = published
    sign_in(page, console, key)
    page.goto(console + "#/search")
    # When a question is asked of it
    page.get_by_label("Question or search").fill("How long do refunds take?")
    page.get_by_label("Show").select_option("answer")
    page.get_by_label("Sources").select_option(source)
    with page.expect_response(lambda response: response.url.endswith("/v1/query")) as answered:
        page.get_by_role("button", name="Go").click()
    # Then the answer came as a stream of events (the JavaScript client's queryStream)
    assert (answered.value.request.post_data_json or {}).get("stream") is True
    assert answered.value.headers["content-type"].startswith("text/event-stream")
    # And the answer is shown with its source, which opens in place at the cited stretch
    expect(page.locator(".answer")).to_contain_text("Refunds take 14 days")
    expect(page.get_by_role("heading", name="Answer (", exact=False)).to_be_visible()
    expect(page.locator(".result-card").first).to_contain_text("[1] Policy")
    page.get_by_role("button", name="Open source 1").click()
    expect(page.locator(".citation mark")).to_have_text(POLICY)


def test_a_streamed_answer_grows_on_the_page_while_it_is_written(
    api: Api, published: tuple[str, str], controls: Controls, page: Page, console: str
):
    # Given a published source and answers held after their first delta until released
    source, key = published
    sign_in(page, console, key)
    page.goto(console + "#/search")
    page.get_by_label("Question or search").fill("How long do refunds take, and is shipping free?")
    page.get_by_label("Show").select_option("answer")
    page.get_by_label("Sources").select_option(source)
    controls.hold_answers()
    try:
        # When the question is asked
        with page.expect_request(lambda request: request.url.endswith("/v1/query")) as asked:
            page.get_by_role("button", name="Go").click()
        # Then it went to the stream URL (the function URL, another origin than the console's)
        assert asked.value.url == api.info["stream_url"] + "/v1/query"
        # And while the answer is held, the page already shows its first sentence, unfinished
        answer = page.locator(".answer")
        expect(answer).to_contain_text("[1]")
        expect(page.get_by_role("heading", name="Answering…")).to_be_visible()
        first = answer.inner_text()
        assert answer.get_attribute("aria-busy") == "true"
    finally:
        controls.release_answers()
    # When it is released, the whole answer is shown with its sources
    expect(page.get_by_role("heading", name="Answer (extractive)")).to_be_visible()
    whole = answer.inner_text()
    assert whole.startswith(first) and len(whole) > len(first)
    expect(page.locator(".result-card").first).to_contain_text("[1] Policy")
    assert page.errors == []  # type: ignore[attr-defined]


def test_the_stream_url_answers_a_preflight_from_the_consoles_origin_only(api: Api, console: str):
    # Given the console's origin (the API's) and another one
    console_origin = console.removesuffix("/console")
    for origin, allowed in ((console_origin, True), ("https://elsewhere.example", False)):
        # When a browser on that origin asks before streaming an answer with a key
        reply = requests.options(
            api.info["stream_url"] + "/v1/query",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "authorization,content-type",
            },
            timeout=30,
        )
        # Then the function URL itself answers: the console's origin may POST with those headers
        assert reply.status_code == 200
        if allowed:
            assert reply.headers["access-control-allow-origin"] == console_origin
            assert reply.headers["access-control-allow-methods"] == "POST"
            assert set(reply.headers["access-control-allow-headers"].split(",")) == {"authorization", "content-type"}
        else:
            assert "access-control-allow-origin" not in reply.headers


def test_a_rollback_in_the_console_serves_the_older_generation(api: Api, writer_key: str, page: Page, console: str):
    # Given two generations
    source, first = published_source(api, writer_key, {"refunds": "Refunds take 14 days."})
    push(api, writer_key, source, "refunds", "Refunds take 7 days.", title="Refunds")
    assert apply(api, writer_key, source, run(api, writer_key, source)["id"]).status_code == 200
    # When the first is rolled back to in the console
    sign_in(page, console, writer_key)
    page.goto(f"{console}#/sources/{source}/generations")
    page.get_by_role("button", name=f"Roll back to {first}").click()
    page.get_by_role("dialog").get_by_role("button", name="Roll back").click()
    # Then it serves again
    expect(page.get_by_role("row", name=first)).to_contain_text("serving")
    assert api.call("GET", f"/v1/sources/{source}", writer_key).json()["source"]["currentGenerationId"] == first


def test_a_training_job_started_in_the_console_shows_its_progress_and_is_cancelled(
    api: Api, writer_key: str, controls: Controls, page: Page, console: str
):
    # Given a source with a pending item whose build will wait until released
    source = api.call("POST", "/v1/sources", writer_key, {"name": f"Train {uuid.uuid4().hex[:6]}"}).json()["source"]
    push(api, writer_key, source["id"], "refunds", "Refunds take 14 days.")
    controls.hold_tasks(source["id"])
    try:
        # When a gated job over that source alone is started in the console
        sign_in(page, console, writer_key)
        page.get_by_role("link", name="Training jobs").click()
        page.get_by_label(source["name"]).check()
        page.get_by_label("Gate each apply").check()
        page.get_by_label("Largest drop allowed").fill("0.1")
        page.get_by_role("button", name="Start training").click()
        # Then it is followed live, its sources counted done of total
        current = page.get_by_role("heading", name="Job train_")
        expect(page.get_by_role("progressbar", name="Sources: 0 of 1")).to_be_visible()
        job = api.call("GET", "/v1/train/status", writer_key).json()["job"]
        assert ([s["sourceId"] for s in job["sources"]], job["gate"]["maxDrop"]) == ([source["id"]], 0.1)
        # When it is cancelled
        page.get_by_role("button", name="Cancel job").click()
        page.get_by_role("dialog").get_by_role("button", name="Cancel job").click()
        controls.release_tasks(source["id"])
        # Then it ends cancelled, on the screen and in the list of jobs
        expect(current).to_contain_text("cancelled")
        expect(page.get_by_role("row", name=job["id"])).to_contain_text("cancelled")
    finally:
        controls.release_tasks(source["id"])
    assert api.call("GET", f"/v1/train/status?jobId={job['id']}", writer_key).json()["job"]["status"] == "cancelled"


def test_a_held_generation_is_reviewed_and_published_from_the_console(
    api: Api, writer_key: str, page: Page, console: str
):
    # Given a published source whose evaluation query is added in the console
    source, first = published_source(
        api,
        writer_key,
        {
            "refunds": "Refunds are paid back to the original card within 14 days.",
            "shipping": "Parcels leave within two days.",
        },
    )
    sign_in(page, console, writer_key)
    page.goto(f"{console}#/sources/{source}/evaluation")
    page.get_by_label("Query id").fill("refund-time")
    page.get_by_label("Query", exact=True).fill("how long until my refund is paid back")
    page.get_by_label("Relevant items").fill("refunds")
    page.get_by_role("button", name="Save query").click()
    expect(page.get_by_role("row", name="refund-time")).to_contain_text("refunds")
    # And a gated apply of a change that makes that item answer something else, so it is held
    push(api, writer_key, source, "refunds", "Our office cat is called Whiskers and sleeps on the printer.")
    gate = {"gate": {"metric": "ndcg", "k": 10, "maxDrop": 0.1}}
    applied = api.call(
        "POST", f"/v1/sources/{source}/runs/{run(api, writer_key, source)['id']}/apply", writer_key, gate
    )
    held = applied.json()["generationId"]
    generation = f"/v1/sources/{source}/generations/{held}"
    wait_until(lambda: api.call("GET", generation, writer_key).json()["generation"]["status"] == "held", 120)
    # When its generations are opened in the console
    page.goto(f"{console}#/sources/{source}/generations")
    # Then the held one shows its report: the metric before and after, the query that got worse
    panel = page.get_by_role("region", name=f"Held: {held}")
    expect(panel.get_by_role("definition").first).to_have_text("1.000")
    expect(panel.get_by_role("row", name="refund-time")).to_contain_text("how long until my refund is paid back")
    # When it is published anyway
    panel.get_by_role("button", name="Publish anyway").click()
    page.get_by_role("dialog").get_by_role("button", name="Publish").click()
    # Then it serves
    expect(page.get_by_role("row", name=held)).to_contain_text("serving")
    assert api.call("GET", f"/v1/sources/{source}", writer_key).json()["source"]["currentGenerationId"] == held != first


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    started = start_receiver()
    yield started
    started.stop()


def test_a_webhooks_delivery_log_shows_a_test_event_and_redelivers_it(
    api: Api, receiver: Receiver, page: Page, console: str
):
    # Given a subscription to a receiver that answers 200
    path = f"/ok/{uuid.uuid4().hex}"
    url = receiver.url + path
    assert api.call("POST", "/v1/webhooks", api.admin_key, {"url": url, "events": ["webhook.test"]}).status_code == 201
    sign_in(page, console, api.admin_key)
    page.goto(console + "#/webhooks")
    # When a test event is sent from the console and its delivery succeeds
    page.get_by_role("button", name=f"Send a test event to {url}").click()
    receiver.wait_for(path, 1)
    log = page.get_by_role("region", name="Delivery log, newest first")

    def succeeded() -> bool:
        page.get_by_role("button", name="Refresh the log").click()
        return "succeeded" in log.inner_text()

    wait_until(succeeded, timeout=60)
    expect(log.get_by_role("row", name="webhook.test")).to_contain_text("HTTP 200")
    # Then redelivering it from the log sends it again, with the same webhook-id
    log.get_by_role("button", name="Redeliver webhook.test").click()
    first, second = receiver.wait_for(path, 2)
    assert first.headers["webhook-id"] == second.headers["webhook-id"]


def test_a_webhook_edited_in_the_console_changes_its_url_events_and_sources(
    api: Api, published: tuple[str, str], page: Page, console: str
):
    # Given a subscription to every event of every source
    source, _ = published
    url = f"https://example.com/hooks/{uuid.uuid4().hex}"
    created = api.call("POST", "/v1/webhooks", api.admin_key, {"url": url, "events": ["*"]}).json()["webhook"]
    sign_in(page, console, api.admin_key)
    page.goto(console + "#/webhooks")
    # When its URL, events and sources are edited in the console
    page.get_by_role("button", name=f"Edit the webhook to {url}").click()
    form = page.get_by_role("form", name=f"Edit the webhook to {url}")
    expect(form.get_by_role("heading")).to_be_focused()
    form.get_by_label("URL").fill(url + "/v2")
    form.get_by_label("*", exact=True).uncheck()
    form.get_by_label("generation.*").check()
    form.get_by_label("Sources").select_option(source)
    form.get_by_role("button", name="Save changes").click()
    # Then the API holds the new subscription, and the list shows it
    expect(page.get_by_role("status")).to_contain_text("Webhook saved (url, events, sourceIds)")
    saved = api.call("GET", f"/v1/webhooks/{created['id']}", api.admin_key).json()["webhook"]
    assert (saved["url"], saved["events"], saved["sourceIds"]) == (url + "/v2", ["generation.*"], [source])
    expect(page.get_by_role("row", name=url + "/v2")).to_contain_text(f"only {source}")


def test_a_source_edited_in_the_console_saves_only_what_changed(api: Api, writer_key: str, page: Page, console: str):
    # Given a source
    name = f"Console settings {uuid.uuid4().hex[:6]}"
    source = api.call("POST", "/v1/sources", writer_key, {"name": name}).json()["source"]
    sign_in(page, console, writer_key)
    page.goto(f"{console}#/sources/{source['id']}/settings")
    # When its name, grace days and publishing are changed on its settings screen
    page.get_by_label("Name").fill(name + " renamed")
    page.get_by_label("Grace days").fill("3")
    expect(page.get_by_label("Publish delay (seconds)")).to_be_hidden()
    page.get_by_label("Publishing").select_option("auto")
    page.get_by_label("Publish delay (seconds)").fill("30")
    page.get_by_role("button", name="Save changes").click()
    # Then the API holds exactly those changes, and the other fields are as they were
    expect(page.get_by_role("status")).to_contain_text("saved (name, graceDays, publishing)")
    saved = api.call("GET", f"/v1/sources/{source['id']}", writer_key).json()["source"]
    assert (saved["name"], saved["graceDays"], saved["publishing"]) == (
        name + " renamed",
        3,
        {"mode": "auto", "delaySeconds": 30},
    )
    assert saved["massDeletionThreshold"] == source["massDeletionThreshold"]
    expect(page.get_by_role("heading", name=f"{name} renamed: settings", level=1)).to_be_visible()


def test_analytics_lists_the_queries_that_found_nothing_and_search_latency(
    api: Api, published: tuple[str, str], page: Page, console: str
):
    # Given a search in the tenant that found nothing, in its query log
    _, key = published
    text = f"zebra migration {uuid.uuid4().hex[:8]}"
    assert api.call("POST", "/v1/search", key, {"query": text, "mode": "keyword"}).json()["results"] == []

    def logged() -> bool:
        found = api.call("GET", "/v1/analytics/queries?zeroResults=true&limit=5", api.admin_key).json()
        return any(entry["text"] == text for entry in found["queries"])

    wait_until(logged)
    # When an admin opens the analytics screen and keeps only the queries that found nothing
    sign_in(page, console, api.admin_key)
    page.get_by_role("link", name="Analytics").click()
    page.get_by_label("Only queries that found nothing").check()
    # Then that search is listed, and search's latency has its row per endpoint
    expect(page.get_by_role("region", name="Queries that found nothing")).to_contain_text(text)
    expect(page.get_by_role("region", name="Latency and errors per endpoint")).to_contain_text("POST /v1/search")
    expect(page.get_by_role("region", name="Requests by hour")).to_be_visible()
    assert page.errors == []  # type: ignore[attr-defined]


def test_on_a_phones_width_nothing_overflows_sideways(api: Api, published: tuple[str, str], page: Page, console: str):
    # Given a phone's viewport
    page.set_viewport_size({"width": 375, "height": 740})
    sign_in(page, console, api.admin_key)
    source, _ = published
    for screen in (
        "#/sources",
        "#/search",
        "#/keys",
        "#/webhooks",
        f"#/sources/{source}/settings",
        f"#/sources/{source}/evaluation",
        "#/training",
        "#/analytics",
    ):
        # When each screen is shown
        page.goto(console + screen)
        expect(page.locator("main h1")).to_be_visible()
        # Then the page itself never scrolls sideways (wide tables scroll in their own region)
        assert page.evaluate("document.documentElement.scrollWidth") <= 375, screen
        # And every navigation link is on screen
        for box in [
            link.bounding_box() for link in page.get_by_role("navigation", name="Console").get_by_role("link").all()
        ]:
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 375, screen


def test_a_source_can_be_created_with_the_keyboard_alone(api: Api, writer_key: str, page: Page, console: str):
    page.goto(console)

    def tab_to(label: str) -> None:
        """Tab until the field or button named `label` has focus, checking each stop shows focus."""
        for _ in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(
                "(() => { const e = document.activeElement; const s = getComputedStyle(e);"
                " return {name: e.labels?.[0]?.textContent || e.textContent.trim(), outline: s.outlineStyle}; })()"
            )
            assert focused["outline"] != "none", f"{focused['name']} has focus but shows no outline"
            if focused["name"] == label:
                return
        raise AssertionError(f"Tab never reached {label}")

    # Given the sign-in form, used by keyboard
    tab_to("API key")
    page.keyboard.type(writer_key)
    page.keyboard.press("Enter")
    # When a source is created by keyboard
    expect(page.get_by_role("heading", name="Sources", level=1)).to_be_focused()
    name = f"Keyboard {uuid.uuid4().hex[:6]}"
    tab_to("Name")
    page.keyboard.type(name)
    page.keyboard.press("Enter")
    # Then it is listed, and its link opens it from the keyboard
    link = page.get_by_role("link", name=name)
    expect(link).to_be_visible()
    link.focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name=f"{name}: items", level=1)).to_be_focused()


def test_inline_script_is_refused_by_the_content_security_policy(api: Api, page: Page, console: str):
    # Given the console page
    page.goto(console)
    page.get_by_label("API key").wait_for()
    # When a script without a source is put in it (as an injection would)
    violations = page.evaluate(
        """() => new Promise(resolve => {
            document.addEventListener('securitypolicyviolation', e => resolve(e.violatedDirective));
            const script = document.createElement('script');
            script.textContent = 'window.injected = true';
            document.body.append(script);
        })"""
    )
    # Then the browser refuses to run it
    assert violations.startswith("script-src")
    assert page.evaluate("window.injected") is None


def test_axe_finds_no_accessibility_violations_on_the_main_screens(
    api: Api, published: tuple[str, str], page: Page, console: str
):
    source, _ = published
    axe = Axe()
    page.goto(console)
    page.get_by_label("API key").wait_for()
    screens = {"sign-in": axe.run(page).response["violations"]}
    sign_in(page, console, api.admin_key)
    for screen in (
        "#/sources",
        f"#/sources/{source}/items",
        f"#/sources/{source}/runs",
        f"#/sources/{source}/generations",
        f"#/sources/{source}/settings",
        "#/search",
        "#/keys",
        "#/webhooks",
        "#/training",
        f"#/sources/{source}/evaluation",
        "#/analytics",
    ):
        page.goto(console + screen)
        expect(page.locator("main h1")).to_be_visible()
        screens[screen] = axe.run(page).response["violations"]
    # And the playground with a result whose citation is open
    page.goto(console + "#/search")
    page.get_by_label("Question or search").fill("parcel arrives")
    page.get_by_label("Sources").select_option(source)
    page.get_by_role("button", name="Go").click()
    page.get_by_role("button", name="Open result 1").click()
    expect(page.locator(".citation mark")).to_be_visible()
    screens["search results"] = axe.run(page).response["violations"]
    found = {
        screen: [(v["id"], v["impact"], len(v["nodes"])) for v in violations]
        for screen, violations in screens.items()
        if violations
    }
    assert found == {}
