"""Answer providers: one interface; extractive offline, Amazon Bedrock's Converse API in AWS.

A provider answers (whole or streamed, in text deltas), and rewrites a chat's follow-up into a
standalone search query. Each call reports its token usage."""

import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, Literal, Protocol

from kb.errors import AnswerFailed
from kb.search.text import sentences, terms

NOT_FOUND_ANSWER = "I could not find anything about that in the knowledge base."
DEFAULT_MAX_TOKENS = 800


@dataclass(frozen=True)
class Passage:
    number: int  # cited as [number]
    title: str
    text: str


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str
    searched_query: str | None = None  # what an assistant turn searched


@dataclass(frozen=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0

    def __add__(self, other: "Usage") -> "Usage":
        return Usage(self.input_tokens + other.input_tokens, self.output_tokens + other.output_tokens)


@dataclass(frozen=True)
class AnswerOptions:
    max_tokens: int | None = None  # None: DEFAULT_MAX_TOKENS
    temperature: float | None = None  # None: 0 (the most grounded)


@dataclass(frozen=True)
class Generated:
    text: str
    usage: Usage


@dataclass(frozen=True)
class Rewritten:
    query: str
    usage: Usage


class AnswerProvider(Protocol):
    mode: Literal["extractive", "generative"]

    def answer(self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions) -> Generated:
        """The whole answer at once."""
        ...

    def stream(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions
    ) -> Iterator[str | Usage]:
        """Text deltas as they are produced, then the call's Usage, last."""
        ...

    def rewrite(self, message: str, history: list[Turn]) -> Rewritten:
        """A chat's message as a standalone search query (the message itself when it needs no context)."""
        ...


def approximate_tokens(text: str) -> int:
    """About four characters of English per token (the usual rule of thumb for BPE tokenizers);
    what the extractive provider reports, since it runs no tokenizer."""
    return math.ceil(len(text) / 4)


# --- extractive -------------------------------------------------------------------------------

# A follow-up leans on the conversation: it points back with a pronoun, or says too little to
# search on its own ("And in Norway?"). "And are returns free?" stands on its own.
_POINTERS = frozenset(
    [
        "it",
        "its",
        "it's",
        "this",
        "that",
        "these",
        "those",
        "they",
        "them",
        "their",
        "there",
        "he",
        "she",
        "his",
        "her",
        "him",
        "one",
        "ones",
        "same",
    ]
)
_WORD = re.compile(r"\w+")
MAX_CONTEXT_WORDS = 8


def heuristic_rewrite(message: str, history: list[Turn]) -> str:
    """Offline query rewriting: a follow-up is searched together with the content words of the
    previous turn's topic (the query the last answer searched, else the last question). A message
    that stands on its own is searched as it is."""
    topic = next((t.searched_query or "" for t in reversed(history) if t.role == "assistant" and t.searched_query), "")
    topic = topic or next((t.content for t in reversed(history) if t.role == "user"), "")
    if not topic:
        return message
    words = _WORD.findall(message.lower())
    follow_up = any(w in _POINTERS for w in words) or len(set(terms(message))) < 2
    if not follow_up:
        return message
    known = set(terms(message))
    context: list[str] = []
    for word in _WORD.findall(topic):
        stems = terms(word)
        if stems and stems[0] not in known:
            known.add(stems[0])
            context.append(word)
    return f"{message} {' '.join(context[-MAX_CONTEXT_WORDS:])}".strip() if context else message


class ExtractiveAnswers:
    """Composes the answer from the passages' sentences that share the most terms with the
    question (best passages first), each cited with its passage number. Never says more than the
    passages do. `maxTokens` bounds the answer (approximate tokens); temperature means nothing here."""

    mode: Literal["extractive", "generative"] = "extractive"

    def __init__(self, max_sentences: int = 3) -> None:
        self.max_sentences = max_sentences

    def _pieces(self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions) -> list[str]:
        # A follow-up's sentences are chosen by what it asks in the chat's context.
        wanted = set(terms(heuristic_rewrite(question, history)))
        scored: list[tuple[float, int, int, str, int]] = []
        for rank, passage in enumerate(passages):
            for order, sentence in enumerate(sentences(passage.text)):
                if sentence == passage.title:
                    continue
                overlap = len(wanted.intersection(terms(sentence)))
                if overlap:
                    # Overlap first; among equals, the better passage and the earlier sentence.
                    scored.append((-overlap - 0.5 / (rank + 1), rank, order, sentence, passage.number))
        if not scored:
            return [NOT_FOUND_ANSWER]
        chosen = sorted(scored)[: self.max_sentences]
        chosen.sort(key=lambda s: (s[1], s[2]))  # read in the passages' own order
        pieces = [f"{sentence} [{number}]" for _, _, _, sentence, number in chosen]
        return _within_budget(pieces, options.max_tokens)

    def answer(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions | None = None
    ) -> Generated:
        text = " ".join(self._pieces(question, passages, history, options or AnswerOptions()))
        return Generated(text, _extractive_usage(question, passages, text))

    def stream(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions | None = None
    ) -> Iterator[str | Usage]:
        """Sentence by sentence (each with its citation)."""
        pieces = self._pieces(question, passages, history, options or AnswerOptions())
        for index, piece in enumerate(pieces):
            yield piece if index == 0 else f" {piece}"
        yield _extractive_usage(question, passages, " ".join(pieces))

    def rewrite(self, message: str, history: list[Turn]) -> Rewritten:
        return Rewritten(heuristic_rewrite(message, history), Usage())


def _within_budget(pieces: list[str], max_tokens: int | None) -> list[str]:
    """Whole sentences while they fit; a first sentence that alone is too long is cut at a word."""
    if max_tokens is None:
        return pieces
    kept: list[str] = []
    for piece in pieces:
        if approximate_tokens(" ".join([*kept, piece])) > max_tokens:
            break
        kept.append(piece)
    if kept:
        return kept
    cut = pieces[0][: max_tokens * 4 - 1].rsplit(" ", 1)[0] if max_tokens > 1 else ""
    return [f"{cut}…"]


def _extractive_usage(question: str, passages: list[Passage], text: str) -> Usage:
    read = question + "".join(p.title + p.text for p in passages)
    return Usage(approximate_tokens(read), approximate_tokens(text))


# --- Bedrock ----------------------------------------------------------------------------------

_SYSTEM = (
    "You answer questions using only the numbered passages from the knowledge base. Cite passages as [n]. "
    "If the passages do not contain the answer, say that the knowledge base does not cover it."
)
_REWRITE_SYSTEM = (
    "You rewrite the last message of a conversation as a standalone search query for a knowledge base. "
    "Resolve pronouns and references from the conversation. Reply with the query only."
)
HISTORY_TURNS = 10


class BedrockAnswers:
    mode: Literal["extractive", "generative"] = "generative"

    def __init__(self, client: Any, model_id: str) -> None:
        self._client = client
        self.model_id = model_id

    def _request(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions
    ) -> dict[str, Any]:
        context = "\n\n".join(f"[{p.number}] {p.title}\n{p.text}" for p in passages)
        messages = [{"role": t.role, "content": [{"text": t.content}]} for t in history[-HISTORY_TURNS:]]
        messages.append({"role": "user", "content": [{"text": f"Passages:\n{context}\n\nQuestion: {question}"}]})
        return {
            "modelId": self.model_id,
            "system": [{"text": _SYSTEM}],
            "messages": messages,
            "inferenceConfig": _inference(options),
        }

    def answer(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions | None = None
    ) -> Generated:
        try:
            reply = self._client.converse(**self._request(question, passages, history, options or AnswerOptions()))
        except Exception as error:
            raise AnswerFailed(f"The answer provider failed: {error}") from error
        text = "".join(part.get("text", "") for part in reply["output"]["message"]["content"])
        return Generated(text, _usage(reply.get("usage")))

    def stream(
        self, question: str, passages: list[Passage], history: list[Turn], options: AnswerOptions | None = None
    ) -> Iterator[str | Usage]:
        """ConverseStream: contentBlockDelta events carry the text, metadata the usage. An error
        event or a broken stream is AnswerFailed, whenever it happens."""
        usage = Usage()
        try:
            reply = self._client.converse_stream(
                **self._request(question, passages, history, options or AnswerOptions())
            )
            for event in reply["stream"]:
                if "contentBlockDelta" in event:
                    text = event["contentBlockDelta"].get("delta", {}).get("text", "")
                    if text:
                        yield text
                elif "metadata" in event:
                    usage = _usage(event["metadata"].get("usage"))
                elif any(name.endswith("Exception") for name in event):
                    raise AnswerFailed(f"The answer provider failed: {next(iter(event.values()))}")
        except AnswerFailed:
            raise
        except Exception as error:
            raise AnswerFailed(f"The answer provider failed: {error}") from error
        yield usage

    def rewrite(self, message: str, history: list[Turn]) -> Rewritten:
        if not history:
            return Rewritten(message, Usage())
        conversation = "\n".join(f"{t.role}: {t.content}" for t in history[-HISTORY_TURNS:])
        prompt = f"Conversation:\n{conversation}\n\nLast message: {message}\n\nStandalone search query:"
        try:
            reply = self._client.converse(
                modelId=self.model_id,
                system=[{"text": _REWRITE_SYSTEM}],
                messages=[{"role": "user", "content": [{"text": prompt}]}],
                inferenceConfig={"maxTokens": 100, "temperature": 0},
            )
        except Exception as error:
            raise AnswerFailed(f"The answer provider failed to rewrite the question: {error}") from error
        query = "".join(part.get("text", "") for part in reply["output"]["message"]["content"]).strip()
        return Rewritten(query[:2000] or message, _usage(reply.get("usage")))


def _inference(options: AnswerOptions) -> dict[str, Any]:
    return {
        "maxTokens": options.max_tokens or DEFAULT_MAX_TOKENS,
        "temperature": options.temperature if options.temperature is not None else 0,
    }


def _usage(reported: dict[str, Any] | None) -> Usage:
    reported = reported or {}
    return Usage(int(reported.get("inputTokens", 0)), int(reported.get("outputTokens", 0)))


def answer_provider(name: str, model_id: str, bedrock: Any) -> AnswerProvider:
    if name == "bedrock":
        return BedrockAnswers(bedrock, model_id)
    return ExtractiveAnswers()
