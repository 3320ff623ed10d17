"""`kb search`, `kb ask` (streams the answer), `kb chat` (interactive)."""

from collections.abc import Callable, Iterator
from typing import Any

import click

from ..errors import BadRequestError
from ..streaming import AnswerEvent, CitationEvent, DeltaEvent, DoneEvent
from . import Context, cli, pass_context
from .output import console, emit_json, plain

SOURCE = click.option("--source", "-s", "source_ids", multiple=True, help="Only these sources (repeatable).")


def _scope(source_ids: tuple[str, ...]) -> dict[str, Any]:
    return {"source_ids": list(source_ids)} if source_ids else {}


@cli.command()
@click.argument("query")
@click.option("--mode", type=click.Choice(["keyword", "semantic", "hybrid"]))
@click.option("--limit", type=click.IntRange(1, 100), default=5, show_default=True)
@SOURCE
@pass_context
def search(ctx: Context, query: str, mode: str | None, limit: int, source_ids: tuple[str, ...]) -> None:
    """Search the published content."""
    found = ctx.client.search(query, mode=mode, limit=limit, **_scope(source_ids))
    if ctx.as_json:
        emit_json(found)
        return
    console.print(f"[dim]{found.mode}[/dim]")
    for rank, result in enumerate(found.results, 1):
        data = plain(result)
        item = data.get("item", {})
        console.print(
            f"[bold]{rank}. {item.get('title') or item.get('externalItemId')}[/bold]  [dim]{data.get('score')}[/dim]"
        )
        console.print(f"   {data.get('text', '')[:300]}", highlight=False)


@cli.command()
@click.argument("question")
@click.option("--stream/--no-stream", default=True, show_default=True, help="Print the answer as it is written.")
@SOURCE
@pass_context
def ask(ctx: Context, question: str, stream: bool, source_ids: tuple[str, ...]) -> None:
    """Ask a question; the answer streams in, then its sources."""
    client = ctx.client
    scope = _scope(source_ids)
    if not stream:
        answer = client.query(question, **scope)
        emit_json(answer) if ctx.as_json else _print_answer(answer.answer, [plain(s) for s in answer.sources])
        return
    done = _stream(
        lambda: client.stream_query(question, **scope), ctx.as_json, lambda: plain(client.query(question, **scope))
    )
    if ctx.as_json:
        emit_json(done)


def _stream(
    open_stream: Callable[[], Iterator[AnswerEvent]], quiet: bool, fallback: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """Print deltas as they come; the `done` event's data. A server without streaming (it refuses
    the `stream` field) is asked once more without it."""
    try:
        for event in open_stream():
            if isinstance(event, DeltaEvent) and not quiet:
                console.print(event.text, end="", highlight=False, soft_wrap=True)
            elif isinstance(event, CitationEvent) or not isinstance(event, DoneEvent):
                continue
            else:
                if not quiet:
                    console.print()
                    _print_sources(event.sources)
                return plain(event)
    except BadRequestError as error:
        if "stream" not in error.message:
            raise
    answer = fallback()
    if not quiet:
        _print_answer(answer.get("answer", ""), answer.get("sources", []))
    return answer


def _print_answer(text: str, sources: list[dict[str, Any]]) -> None:
    console.print(text, highlight=False)
    _print_sources(sources)


def _print_sources(sources: list[dict[str, Any]]) -> None:
    for number, source in enumerate(sources, 1):
        where = source.get("url") or source.get("externalItemId")
        console.print(f"[dim][{number}] {source.get('title') or ''} {where}[/dim]", highlight=False)


@cli.command()
@SOURCE
@click.option("--stream/--no-stream", default=True, show_default=True)
@pass_context
def chat(ctx: Context, source_ids: tuple[str, ...], stream: bool) -> None:
    """Chat interactively: each line is a message; an empty line or Ctrl-D ends it."""
    client = ctx.client
    chat_id: str | None = None
    while True:
        try:
            # With --json the prompt goes to stderr, so stdout is only the turns' JSON documents.
            message = click.prompt("you", prompt_suffix="> ", default="", show_default=False, err=ctx.as_json)
        except (EOFError, click.exceptions.Abort):
            break
        if not message.strip():
            break
        if stream:
            current = chat_id

            def open_stream(text: str = message, known: str | None = current) -> Iterator[AnswerEvent]:
                return client.chats.stream(text, chat_id=known, **({} if known else _scope(source_ids)))

            def fallback(text: str = message, known: str | None = current) -> dict[str, Any]:
                turn = client.chats.send(known, text) if known else client.chats.create(text, **_scope(source_ids))
                return {**plain(turn.message), "chatId": turn.chat.id, "answer": turn.message.content}

            done = _stream(open_stream, ctx.as_json, fallback)
            chat_id = chat_id or done.get("chatId")
        else:
            turn = (
                client.chats.send(chat_id, message) if chat_id else client.chats.create(message, **_scope(source_ids))
            )
            chat_id = turn.chat.id
            _print_answer(turn.message.content, [plain(s) for s in turn.message.sources or []])
        if ctx.as_json:
            emit_json(done if stream else turn)
