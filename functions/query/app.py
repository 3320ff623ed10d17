"""POST /api/v1/query (read scope): an answer from the knowledge base, with its sources (streamed
as server-sent events with `"stream": true`; the route lives in kb.http.answering)."""

from kb.http.answering import query_router
from kb.http.app import build_app, make_handler

router = query_router()
app = build_app(router)
handler = make_handler(app)
