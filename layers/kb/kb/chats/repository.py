"""Chats: `CHAT#<id>` holds the chat (`META`) and its messages (`MSG#<seq>`). Each record stores
`expiresAt` as epoch seconds, the table's TTL attribute; reads check expiry themselves (TTL deletes
late, or never)."""

from datetime import UTC, datetime
from typing import Any

from botocore.exceptions import ClientError

from kb.chats.models import Chat, ChatMessage
from kb.cursors import Listing
from kb.ids import parse_iso, to_iso
from kb.storage import Table


class ChatGone(Exception):
    """The chat does not exist (or has expired) for the writer."""


def _epoch(iso: str) -> int:
    return int(parse_iso(iso).timestamp())


def _chat(record: dict[str, Any]) -> Chat:
    return Chat.model_validate({**record, "expiresAt": to_iso(datetime.fromtimestamp(int(record["expiresAt"]), UTC))})


class ChatRepository:
    def __init__(self, table: Table) -> None:
        self.table = table

    def create(self, chat: Chat) -> None:
        record = {"pk": f"CHAT#{chat.id}", "sk": "META", **chat.to_json_dict(), "expiresAt": _epoch(chat.expires_at)}
        self.table.put(record, condition="attribute_not_exists(pk)")

    def get(self, chat_id: str) -> Chat | None:
        record = self.table.get(f"CHAT#{chat_id}", "META")
        return _chat(record) if record else None

    def reserve(self, chat: Chat, count: int, now: str) -> int:
        """Reserve `count` message numbers atomically (concurrent turns never share one); returns
        the first. Refused once the chat has expired."""
        try:
            record = self.table.update_returning(
                f"CHAT#{chat.id}",
                "META",
                "ADD messageCount :n",
                condition="attribute_exists(pk) AND expiresAt > :now",
                values={":n": count, ":now": _epoch(now)},
            )
        except ClientError as error:
            if self.table.is_condition_failure(error):
                raise ChatGone() from error
            raise
        return int(record["messageCount"]) - count + 1

    def add_message(self, chat: Chat, sequence: int, message: ChatMessage) -> None:
        record: dict[str, Any] = {
            "pk": f"CHAT#{chat.id}",
            "sk": f"MSG#{sequence:08d}",
            **message.to_json_dict(),
            "expiresAt": _epoch(chat.expires_at),
        }
        self.table.put(record, condition="attribute_not_exists(sk)")

    def all_messages(self, chat_id: str) -> list[ChatMessage]:
        return [
            ChatMessage.model_validate({k: v for k, v in r.items() if k != "expiresAt"})
            for r in self.table.query_all(f"CHAT#{chat_id}", "MSG#")
        ]

    def messages(
        self, tenant_id: str, chat_id: str, limit: int | None, cursor: str | None
    ) -> tuple[list[ChatMessage], str | None]:
        records, next_cursor = self.table.query_prefix(
            f"CHAT#{chat_id}", "MSG#", limit, cursor, listing=Listing(tenant_id, f"chat-history:{chat_id}")
        )
        return [
            ChatMessage.model_validate({k: v for k, v in r.items() if k != "expiresAt"}) for r in records
        ], next_cursor
