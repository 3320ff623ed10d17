"""Take the screenshots of docs/console.md (`make console-screenshots`): start a local stack, fill it
with a small help center through the API, and photograph each screen in headless chromium.
PNGs are reduced to 64-colour palettes so they stay small in the repository."""

import json
import os
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import requests
from PIL import Image
from playwright.sync_api import Page, expect

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.e2e.console_browser import chromium, sign_in  # noqa: E402
from tests.e2e.receiver import start_receiver, wait_until  # noqa: E402

OUT = ROOT / "docs" / "console"
ITEMS = {
    "refunds": ("Refunds", "Refunds take 14 days from the day the parcel arrives.\nStore credit is immediate."),
    "shipping": ("Shipping", "We ship in 2 days inside the EU.\nShipping is free over 50 euros."),
    "returns": ("Returns", "Returns are free within 30 days."),
}


def start_stack(state_dir: Path) -> tuple[subprocess.Popen[bytes], dict[str, Any]]:
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and module
        [sys.executable, "-m", "local", "--port", "0", "--state-dir", str(state_dir)],
        cwd=ROOT,
        stdout=(state_dir / "stack.log").open("w"),
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 180
    while not (state_dir / "stack.json").exists():
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError((state_dir / "stack.log").read_text())
        time.sleep(0.2)
    return process, json.loads((state_dir / "stack.json").read_text())


class Client:
    def __init__(self, url: str, key: str) -> None:
        self.url, self.key = url, key

    def __call__(self, method: str, path: str, body: Any = None) -> Any:
        reply = requests.request(
            method, self.url + path, json=body, headers={"Authorization": f"Bearer {self.key}"}, timeout=120
        )
        reply.raise_for_status()
        return reply.json() if reply.content else None

    def run_and_apply(self, source: str) -> str:
        run = self("POST", f"/v1/sources/{source}/runs")["run"]
        run = wait_until(
            lambda: (r := self("GET", f"/v1/sources/{source}/runs/{run['id']}")["run"])["status"] == "succeeded" and r,
            120,
        )
        return str(self("POST", f"/v1/sources/{source}/runs/{run['id']}/apply")["generationId"])


def settled(probe: Any) -> None:
    """Poll `probe` once a second (the writer key's rate limit counts every poll) for two minutes."""
    deadline = time.monotonic() + 120
    while not probe():
        if time.monotonic() > deadline:
            raise RuntimeError("the seeded work did not settle in two minutes")
        time.sleep(1)


def seed(api: Client, receiver_url: str) -> dict[str, str]:
    writer = Client(api.url, api("POST", "/v1/admin/keys", {"name": "docs writer", "scope": "write"})["secret"])
    source = writer("POST", "/v1/sources", {"name": "Help center", "graceDays": 7})["source"]["id"]
    notes = writer("POST", "/v1/sources", {"name": "Release notes", "graceDays": 0})["source"]["id"]
    writer("POST", f"/v1/sources/{notes}/items", {"externalItemId": "v2", "content": "Version 2 adds exports."})
    items = [{"externalItemId": i, "title": t, "content": c, "tags": ["help"]} for i, (t, c) in ITEMS.items()]
    writer("POST", f"/v1/sources/{source}/items/batch", {"items": items})
    writer.run_and_apply(source)
    writer(
        "POST",
        f"/v1/sources/{source}/items",
        {
            "externalItemId": "refunds",
            "title": "Refunds",
            "content": "Refunds take 7 days from the day the parcel arrives.\nStore credit is immediate.",
        },
    )
    writer(
        "POST",
        f"/v1/sources/{source}/items",
        {"externalItemId": "warranty", "title": "Warranty", "content": "Every product has a two-year warranty."},
    )
    writer("DELETE", f"/v1/sources/{source}/items/returns")
    run = writer("POST", f"/v1/sources/{source}/runs")["run"]["id"]
    webhook = api(
        "POST", "/v1/webhooks", {"url": f"{receiver_url}/ok/docs", "events": ["generation.*", "webhook.test"]}
    )
    api("POST", f"/v1/webhooks/{webhook['webhook']['id']}/test")
    return {"source": source, "run": run, "writer": writer.key, "webhook_url": webhook["webhook"]["url"]}


def hold_a_candidate(writer: Client, source: str) -> str:
    """A gated apply of an edit that makes the refunds item about something else (its title too:
    the title alone would still find it), so its evaluation query gets worse and it is held."""
    query = {"query": "how long do refunds take", "relevantItemIds": ["refunds"]}
    writer("PUT", f"/v1/sources/{source}/evaluation/queries/refund-time", query)
    cat = {"externalItemId": "refunds", "title": "Office life", "content": "Our office cat sleeps on the printer."}
    writer("POST", f"/v1/sources/{source}/items", cat)
    run = writer("POST", f"/v1/sources/{source}/runs")["run"]
    settled(lambda: writer("GET", f"/v1/sources/{source}/runs/{run['id']}")["run"]["status"] == "succeeded")
    gate = {"gate": {"metric": "ndcg", "k": 10, "maxDrop": 0.05}}
    held = str(writer("POST", f"/v1/sources/{source}/runs/{run['id']}/apply", gate)["generationId"])

    def is_held() -> bool:
        status = writer("GET", f"/v1/sources/{source}/generations/{held}")["generation"]["status"]
        if status in ("succeeded", "failed", "discarded"):  # it will not be held now: say so at once
            raise RuntimeError(f"the gated candidate {held} ended {status}, not held")
        return bool(status == "held")

    settled(is_held)
    return held


def traffic(writer: Client, admin: Client) -> None:
    """Something for the Analytics screen: searches (one finding nothing), questions (one rated up,
    one down, with comments), a chat; then wait until the reports show them (recorded after the
    responses)."""
    for text in ("refund store credit", "shipping inside the EU", "gift wrapping"):
        writer("POST", "/v1/search", {"query": text, "mode": "keyword"})
    asked = [
        writer("POST", "/v1/query", {"query": q})["queryId"]
        for q in ("How long do refunds take?", "Is shipping free?", "Do you have a warranty?")
    ]
    writer("POST", "/v1/feedback", {"queryId": asked[0], "rating": "up", "comment": "Clear, and right"})
    writer("POST", "/v1/feedback", {"queryId": asked[2], "rating": "down", "comment": "Which products?"})
    writer("POST", "/v1/chats", {"message": "Can I return a gift?"})
    settled(
        lambda: (
            (t := admin("GET", "/v1/analytics/usage")["totals"])["searches"] >= 3
            and t["ratingsDown"] >= 1
            and t["chatMessages"] >= 1
        )
    )


def shoot(page: Page, name: str) -> None:
    path = OUT / f"{name}.png"
    page.screenshot(path=path)
    Image.open(path).convert("RGB").quantize(colors=64).save(path, optimize=True)
    print(f"{path.relative_to(ROOT)}: {path.stat().st_size // 1024} KiB")


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    receiver = start_receiver()
    with tempfile.TemporaryDirectory() as state:
        process, info = start_stack(Path(state))
        try:
            api = Client(info["api_url"], info["admin_key"])
            seeded = seed(api, receiver.url)
            console = info["api_url"].removesuffix("/api") + "/console"
            with chromium({"width": 1100, "height": 720}) as browser:
                page = browser.new_page()
                page.goto(console)
                page.get_by_label("API key").wait_for()
                shoot(page, "sign-in")
                sign_in(page, console, info["admin_key"])
                expect(page.get_by_role("row", name="Release notes")).to_be_visible()
                shoot(page, "sources")
                page.goto(f"{console}#/sources/{seeded['source']}/runs/{seeded['run']}")
                page.get_by_text("Compare refunds with the published version").click()
                expect(page.locator(".word-diff ins")).to_be_visible()
                page.locator(".item-diff").scroll_into_view_if_needed()
                shoot(page, "run-diff")
                page.get_by_role("button", name="Apply (publish)").click()
                expect(page.locator(".result")).to_contain_text("Apply: published")
                page.goto(f"{console}#/sources/{seeded['source']}/generations")
                expect(page.get_by_text("serving")).to_be_visible()
                shoot(page, "generations")
                # A gated apply of a change that makes the refunds item answer something else: held
                writer = Client(api.url, seeded["writer"])
                hold_a_candidate(writer, seeded["source"])
                page.goto(f"{console}#/sources/{seeded['source']}/evaluation")
                expect(page.get_by_role("row", name="refund-time")).to_be_visible()
                shoot(page, "evaluation-set")
                page.goto(f"{console}#/sources/{seeded['source']}/generations")
                expect(page.get_by_role("button", name="Publish anyway")).to_be_visible()
                page.locator(".held").scroll_into_view_if_needed()
                shoot(page, "held-generation")
                page.goto(f"{console}#/training")
                page.get_by_label("Release notes").check()
                page.get_by_role("button", name="Start training").click()
                expect(page.get_by_role("heading", name="Job train_")).to_contain_text("completed")
                shoot(page, "training")
                page.goto(f"{console}#/search")
                page.get_by_label("Question or search").fill("How long do refunds take?")
                page.get_by_label("Show").select_option("answer")
                page.get_by_role("button", name="Go").click()
                expect(page.get_by_role("heading", name="Answer (", exact=False)).to_be_visible()
                page.get_by_role("button", name="Open source 1").click()
                expect(page.locator(".citation mark")).to_be_visible()
                page.locator(".answer").scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, 250)")
                shoot(page, "answer-citation")
                page.goto(f"{console}#/keys")
                page.get_by_label("Name").fill(f"ci {uuid.uuid4().hex[:4]}")
                page.get_by_role("button", name="Create key").click()
                expect(page.locator("[data-secret]")).to_be_visible()
                shoot(page, "key-secret-once")
                page.goto(f"{console}#/webhooks")
                page.get_by_role("button", name=f"Delivery log of {seeded['webhook_url']}").click()
                expect(page.get_by_role("region", name="Delivery log, newest first")).to_contain_text("webhook.test")
                page.evaluate("document.getElementById('log').scrollIntoView()")
                shoot(page, "webhook-deliveries")
                page.get_by_role("button", name=f"Edit the webhook to {seeded['webhook_url']}").click()
                page.get_by_role("form", name=f"Edit the webhook to {seeded['webhook_url']}").get_by_label(
                    "Sources"
                ).select_option(seeded["source"])
                shoot(page, "webhook-edit")
                page.goto(f"{console}#/sources/{seeded['source']}/settings")
                page.get_by_label("Publishing").select_option("auto")
                shoot(page, "source-settings")
                traffic(writer, api)
                page.goto(f"{console}#/analytics")
                expect(page.get_by_role("region", name="Latency and errors per endpoint")).to_be_visible()
                shoot(page, "analytics")
                page.get_by_role("region", name="Recent queries").scroll_into_view_if_needed()
                expect(page.get_by_role("region", name="Recent queries")).to_contain_text("Which products?")
                shoot(page, "analytics-queries")
                page.set_viewport_size({"width": 375, "height": 740})
                page.goto(f"{console}#/sources/{seeded['source']}/items")
                expect(page.get_by_role("row", name="Warranty")).to_be_visible()
                shoot(page, "phone-items")
        finally:
            process.terminate()
            process.wait(timeout=30)
            receiver.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
