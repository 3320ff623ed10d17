"""Every route the API does not have (the HTTP API's catch-all): 404 in the error shape."""

from kb.http.app import build_app, make_handler

app = build_app()
handler = make_handler(app)
