"""The `kb` CLI, the Python example and the GitHub Actions example against the local stack."""

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import yaml

from kb_client import Client, DeltaEvent, DoneEvent, StartEvent
from tests.documents import pdf
from tests.helpers import ROOT

KB = str(Path(sys.executable).parent / "kb")


def kb(
    api, key: str, *args: str, home: Path, stdin: str | None = None, check: bool = True
) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [KB, *args], env=kb_env(api, key, home), input=stdin, capture_output=True, text=True, timeout=300
    )
    if check:
        assert done.returncode == 0, done.stderr + done.stdout
    return done


def kb_env(api, key: str, home: Path) -> dict[str, str]:
    """The CLI configured as the README's quickstart does it: API, stream URL (answers stream), key."""
    env = {
        **os.environ,
        "KB_API_URL": api.url,
        "KB_STREAM_URL": api.info["stream_url"],
        "KB_API_KEY": key,
        "XDG_STATE_HOME": str(home / "state"),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("KB_CONFIG", None)
    return env


def kb_json(api, key: str, *args: str, home: Path) -> Any:
    return json.loads(kb(api, key, "--json", *args, home=home).stdout)


def docs_folder(root: Path) -> Path:
    folder = root / "docs"
    (folder / "guides").mkdir(parents=True)
    (folder / "refunds.md").write_text("# Refunds\n\nRefunds take 14 days to reach your card.\n")
    (folder / "shipping.txt").write_text("We ship worldwide within 2 business days.\n")
    (folder / "guides" / "install.md").write_text("---\ntitle: Installing\n---\nRun the installer, then sign in.\n")
    (folder / "contact.html").write_text(
        "<html><body><main><h1>Contact</h1><p>Write to help@example.com.</p></main></body></html>"
    )
    (folder / "manual.pdf").write_bytes(pdf(["The warranty lasts two years from purchase."], title="Manual"))
    (folder / ".git").mkdir()
    (folder / ".git" / "HEAD").write_text("ref: refs/heads/main\n")  # hidden: never synced
    return folder


def test_kb_sync_sends_only_what_changed_since_the_last_sync(api, writer_key, source_id, tmp_path):
    # Given a folder synced once
    folder = docs_folder(tmp_path)
    first = kb_json(api, writer_key, "sync", str(folder), "--source", source_id, home=tmp_path)
    # When one file changes and one is added
    (folder / "refunds.md").write_text("# Refunds\n\nRefunds take 10 days to reach your card.\n")
    (folder / "guides" / "upgrade.md").write_text("# Upgrading\n\nDownload the new version.\n")
    second = kb_json(api, writer_key, "sync", str(folder), "--source", source_id, home=tmp_path)
    # Then the first sync sent everything and published it, the second only those two
    assert first["sent"] == {"items": 3, "files": 2}
    assert first["outcomes"] == {"created": 3, "file created": 2}
    assert first["run"]["counts"]["created"] == 5
    assert first["apply"]["status"] == "published"
    assert second["sent"] == {"items": 2, "files": 0}
    assert second["outcomes"] == {"updated": 1, "created": 1}
    assert (second["run"]["counts"]["updated"], second["run"]["counts"]["created"]) == (1, 1)
    with Client(writer_key, api.url) as client:
        titles = {i.external_item_id: i.title for i in client.items.iter(source_id)}
    assert titles["guides:install.md"] == "Installing"
    assert titles["manual.pdf"] == "Manual"
    assert set(titles) == {
        "refunds.md",
        "shipping.txt",
        "guides:install.md",
        "guides:upgrade.md",
        "contact.html",
        "manual.pdf",
    }


def test_kb_sync_snapshot_turns_deleted_files_into_tombstones(api, writer_key, source_id, tmp_path):
    folder = docs_folder(tmp_path)
    kb_json(api, writer_key, "sync", str(folder), "--source", source_id, home=tmp_path)
    # When a text file and the HTML page are deleted and the folder is synced as a snapshot
    (folder / "shipping.txt").unlink()
    (folder / "contact.html").unlink()
    result = kb_json(api, writer_key, "sync", str(folder), "--source", source_id, "--snapshot", home=tmp_path)
    # Then exactly those two became tombstones; the PDF (uploaded again after the commit) did not
    assert result["run"]["counts"]["tombstoned"] == 2
    with Client(writer_key, api.url) as client:
        changes = {c.external_item_id: c.change for c in client.runs.changes(source_id, result["run"]["id"])}
        missing = sorted(i.external_item_id for i in client.items.iter(source_id, state="missing"))
    assert changes == {"shipping.txt": "tombstoned", "contact.html": "tombstoned"}
    assert missing == ["contact.html", "shipping.txt"]


def test_kb_ask_prints_the_answer_and_its_sources(api, writer_key, source_id, tmp_path):
    kb_json(api, writer_key, "sync", str(docs_folder(tmp_path)), "--source", source_id, home=tmp_path)
    # When a question is asked (streamed where the server streams)
    done = kb(api, writer_key, "ask", "How long do refunds take?", "--source", source_id, home=tmp_path)
    # Then the answer and its cited file are printed
    assert "14 days" in done.stdout
    assert "refunds.md" in done.stdout


def test_a_streamed_query_yields_start_deltas_and_done(api, writer_key, source_id, tmp_path):
    with Client(writer_key, api.url, stream_url=api.info["stream_url"]) as client:
        client.sync(source_id, [{"externalItemId": "refunds", "content": "Refunds take 14 days to reach your card."}])
        client.publish(source_id)
        events = list(client.stream_query("How long do refunds take?", source_ids=[source_id]))
    start, done = events[0], events[-1]
    assert isinstance(start, StartEvent) and isinstance(done, DoneEvent)
    assert "".join(e.text for e in events if isinstance(e, DeltaEvent)) == done.answer
    assert "14 days" in done.answer


FAQ = [
    {"externalItemId": "refunds.md", "title": "Refunds", "content": "Refunds take 14 days to reach your card."},
    {"externalItemId": "shipping.md", "title": "Shipping", "content": "We ship worldwide within 2 business days."},
]


def published_faq(api, key: str, source_id: str) -> None:
    with Client(key, api.url) as client:
        client.sync(source_id, FAQ)
        client.publish(source_id)


def test_kb_ask_prints_the_first_sentence_while_the_answer_is_still_being_written(
    api, writer_key, source_id, tmp_path, controls
):
    # Given a published FAQ, and answers held after their first delta
    published_faq(api, writer_key, source_id)
    controls.hold_answers()
    try:
        # When `kb ask` is run
        process = subprocess.Popen(
            [KB, "ask", "How long do refunds take?", "--source", source_id],
            env=kb_env(api, writer_key, tmp_path),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        chunks: list[bytes] = []
        first_sentence = threading.Event()
        reader = reading(process, chunks, b"14 days", first_sentence)
        # Then the first sentence is on screen while the answer is held (the command still running)
        assert first_sentence.wait(timeout=60), b"".join(chunks)
        assert process.poll() is None
        controls.release_answers()
        process.wait(timeout=60)
        reader.join(timeout=10)
    finally:
        controls.release_answers()
    # And once released, the command ends with the answer's sources
    assert process.returncode == 0
    assert b"refunds.md" in b"".join(chunks)


def reading(process: subprocess.Popen, chunks: list[bytes], marker: bytes, seen: threading.Event) -> threading.Thread:
    """A thread appending what the process prints to `chunks` as it comes, until it exits; it sets
    `seen` as soon as `marker` has been printed (the test waits on that, not on a clock)."""
    stdout = process.stdout
    assert stdout is not None

    def read() -> None:
        for chunk in iter(lambda: os.read(stdout.fileno(), 4096), b""):
            chunks.append(chunk)
            if marker in b"".join(chunks):
                seen.set()

    reader = threading.Thread(target=read)
    reader.daemon = True
    reader.start()
    return reader


def test_kb_chat_answers_a_follow_up_in_the_same_chat(api, writer_key, source_id, tmp_path):
    # Given a published FAQ
    published_faq(api, writer_key, source_id)
    # When two questions are typed into `kb chat`, then an empty line
    done = kb(
        api,
        writer_key,
        "--json",
        "chat",
        "--source",
        source_id,
        home=tmp_path,
        stdin="How long do refunds take?\nHow fast do you ship?\n\n",
    )
    turns = json_documents(done.stdout)
    # Then each was answered from the FAQ, both in one chat
    assert len(turns) == 2
    assert "14 days" in turns[0]["answer"] and "2 business days" in turns[1]["answer"]
    assert turns[0]["chatId"] == turns[1]["chatId"]
    # And the chat's history holds both turns, in order
    with Client(writer_key, api.url) as client:
        history = [(m.role, m.content) for m in client.chats.history(turns[0]["chatId"])]
    assert [role for role, _ in history] == ["user", "assistant", "user", "assistant"]
    assert history[2][1] == "How fast do you ship?"


def json_documents(text: str) -> list[Any]:
    """The JSON documents printed one after another (`--json` prints one per turn)."""
    decoder, documents, at = json.JSONDecoder(), [], 0
    text = text.strip()
    while at < len(text):
        document, at = decoder.raw_decode(text, at)
        documents.append(document)
        while at < len(text) and text[at].isspace():
            at += 1
    return documents


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_kb_webhooks_listen_verifies_and_prints_a_real_signed_event(api, tmp_path):
    # Given a subscription to a local receiver, and `kb webhooks listen` with its secret
    port = free_port()
    created = kb_json(
        api,
        api.admin_key,
        "webhooks",
        "create",
        f"http://127.0.0.1:{port}/hook",
        "--event",
        "webhook.test",
        home=tmp_path,
    )
    env = {**os.environ, "KB_API_URL": api.url, "KB_API_KEY": api.admin_key, "KB_WEBHOOK_SECRET": created["secret"]}
    listener = subprocess.Popen(
        [KB, "--json", "webhooks", "listen", "--port", str(port), "--count", "1"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert listener.stderr is not None and "listening on" in listener.stderr.readline()
        # When the API sends a test event
        kb(api, api.admin_key, "webhooks", "test", created["webhook"]["id"], home=tmp_path)
        out, _ = listener.communicate(timeout=120)
    finally:
        listener.kill()
    # Then the receiver verified its signature and printed it
    event = json.loads(out.strip().splitlines()[-1])
    assert event["type"] == "webhook.test"
    assert event["data"]["webhookId"] == created["webhook"]["id"]
    assert listener.returncode == 0


def test_the_python_example_walks_the_quickstart(api):
    env = {**os.environ, "KB_API_URL": api.url, "KB_ADMIN_KEY": api.admin_key}
    done = subprocess.run(
        [sys.executable, str(ROOT / "examples" / "python" / "quickstart.py")],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "staged: {'created': 3}" in done.stdout
    assert "search: refunds" in done.stdout
    assert "answer: Refunds take 14 days" in done.stdout


def test_the_github_actions_workflow_steps_sync_a_docs_folder(api, writer_key, source_id, tmp_path):
    # Given a checkout with a docs folder, and the workflow's run: steps (the install aside: the
    # CLI is installed here already)
    workflow = yaml.safe_load((ROOT / "examples" / "github-actions" / "sync-docs.yml").read_text())
    job = workflow["jobs"]["sync"]
    steps = [s for s in job["steps"] if "run" in s and s.get("name") != "Install the kb CLI"]
    checkout = tmp_path / "checkout"
    docs_folder(checkout)
    env = {
        **os.environ,
        **{k: str(v) for k, v in job["env"].items() if "${{" not in str(v)},
        "KB_API_URL": api.url,
        "KB_API_KEY": writer_key,
        "KB_SOURCE": source_id,
        "GITHUB_SERVER_URL": "https://github.com",
        "GITHUB_REPOSITORY": "acme/docs",
        "GITHUB_SHA": "0123abc",
        "PATH": f"{Path(KB).parent}{os.pathsep}{os.environ['PATH']}",
    }
    # When each runs in bash, as the runner does
    outputs = []
    for step in steps:
        done = subprocess.run(
            ["/bin/bash", "-e", "-c", step["run"]], cwd=checkout, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"{step['name']}: {done.stderr}"
        outputs.append(done.stdout)
    # Then the folder was synced and published, with links back to the repository
    assert "sent 3 items and 2 files" in outputs[0]
    assert "published: generation" in outputs[0]
    assert (checkout / ".kb-state" / "docs.json").exists()
    with Client(writer_key, api.url) as client:
        item = client.items.get(source_id, "refunds.md").item
    assert item.url is not None and item.url.root == "https://github.com/acme/docs/blob/0123abc/docs/refunds.md"
    shutil.rmtree(checkout)
