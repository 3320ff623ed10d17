"""Answer providers: one interface; extractive offline, Amazon Bedrock's Converse API in AWS."""

from dataclasses import dataclass
from typing import Any, Literal, Protocol

from kb.errors import AnswerFailed
from kb.search.text import sentences, terms

NOT_FOUND_ANSWER = "I could not find anything about that in the knowledge base."


@dataclass(frozen=True)
class Passage:
    number: int  # cited as [number]
    title: str
    text: str


@dataclass(frozen=True)
class Turn:
    role: Literal["user", "assistant"]
    content: str


class AnswerProvider(Protocol):
    mode: Literal["extractive", "generative"]

    def answer(self, question: str, passages: list[Passage], history: list[Turn]) -> str: ...


class ExtractiveAnswers:
    """Composes the answer from the passages' sentences that share the most terms with the
    question (best passages first), each cited with its passage number. Never says more than the
    passages do."""

    mode: Literal["extractive", "generative"] = "extractive"

    def __init__(self, max_sentences: int = 3) -> None:
        self.max_sentences = max_sentences

    def answer(self, question: str, passages: list[Passage], history: list[Turn]) -> str:
        wanted = set(terms(question))
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
            return NOT_FOUND_ANSWER
        chosen = sorted(scored)[: self.max_sentences]
        chosen.sort(key=lambda s: (s[1], s[2]))  # read in the passages' own order
        return " ".join(f"{sentence} [{number}]" for _, _, _, sentence, number in chosen)


_SYSTEM = (
    "You answer questions using only the numbered passages from the knowledge base. Cite passages as [n]. "
    "If the passages do not contain the answer, say that the knowledge base does not cover it."
)


class BedrockAnswers:
    mode: Literal["extractive", "generative"] = "generative"

    def __init__(self, client: Any, model_id: str) -> None:
        self._client = client
        self.model_id = model_id

    def answer(self, question: str, passages: list[Passage], history: list[Turn]) -> str:
        context = "\n\n".join(f"[{p.number}] {p.title}\n{p.text}" for p in passages)
        messages = [{"role": turn.role, "content": [{"text": turn.content}]} for turn in history[-10:]]
        messages.append({"role": "user", "content": [{"text": f"Passages:\n{context}\n\nQuestion: {question}"}]})
        try:
            reply = self._client.converse(
                modelId=self.model_id,
                system=[{"text": _SYSTEM}],
                messages=messages,
                inferenceConfig={"maxTokens": 800, "temperature": 0},
            )
        except Exception as error:
            raise AnswerFailed(f"The answer provider failed: {error}") from error
        return "".join(part.get("text", "") for part in reply["output"]["message"]["content"])


def answer_provider(name: str, model_id: str, bedrock: Any) -> AnswerProvider:
    if name == "bedrock":
        return BedrockAnswers(bedrock, model_id)
    return ExtractiveAnswers()
