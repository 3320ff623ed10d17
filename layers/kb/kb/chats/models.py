from typing import Literal

from pydantic import Field

from kb.models import ApiModel, RecordModel
from kb.search.models import AnswerShaping, AnswerSource, SearchFilters, TokenUsage


class Chat(RecordModel):
    id: str
    tenant_id: str
    source_ids: list[str] | None = None
    filters: SearchFilters | None = None
    message_count: int = 0
    created_at: str
    expires_at: str


class ChatMessage(RecordModel):
    id: str
    role: Literal["user", "assistant"]
    content: str
    mode: Literal["extractive", "generative"] | None = None
    found: bool | None = None
    sources: list[AnswerSource] = Field(default_factory=list)
    searched_query: str | None = Field(default=None, description="Assistant turns: the query that was searched")
    usage: TokenUsage | None = Field(default=None, description="Assistant turns: tokens in and out")
    created_at: str


class CreateChatRequest(AnswerShaping):
    message: str = Field(min_length=1, max_length=2000)
    source_ids: list[str] | None = Field(default=None, min_length=1, max_length=100)
    filters: SearchFilters | None = None


class ChatMessageRequest(AnswerShaping):
    message: str = Field(min_length=1, max_length=2000)


class ChatTurnResult(ApiModel):
    chat: Chat
    message: ChatMessage = Field(description="The assistant's answer")


class ChatHistory(ApiModel):
    chat: Chat
    messages: list[ChatMessage]
    next_cursor: str | None = None
