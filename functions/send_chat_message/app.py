"""POST /api/v1/chats/{chatId}/messages (read scope): the next message of a chat, understood in
the chat's context and cited (or streamed; the route lives in kb.http.answering)."""

from kb.http.answering import send_chat_message_router
from kb.http.app import build_app, make_handler

router = send_chat_message_router()
app = build_app(router)
handler = make_handler(app)
