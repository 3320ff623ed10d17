"""The streaming answers function, behind a Lambda function URL in RESPONSE_STREAM mode: the same
routes as the query and chat functions (kb.http.answering), served as an ASGI app that the Lambda
Web Adapter runs under uvicorn (run.sh), so `"stream": true` answers reach the client as they are
produced. See docs/streaming.md."""

from kb.http.answering import create_chat_router, query_router, send_chat_message_router
from kb.http.app import build_app

app = build_app(query_router(), create_chat_router(), send_chat_message_router())
