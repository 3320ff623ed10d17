"""POST /api/v1/chats (read scope): start a chat with its first message; answers 201 with the
chat and the assistant's cited answer (or streams it; the route lives in kb.http.answering)."""

from kb.http.answering import create_chat_router
from kb.http.app import build_app, make_handler

router = create_chat_router()
app = build_app(router)
handler = make_handler(app)
