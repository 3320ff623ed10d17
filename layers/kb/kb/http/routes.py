"""The API's routes (path under /api -> methods), for the catch-all function: API Gateway sends
it every request no route owns, and it tells a wrong method on a known path (405, with Allow)
from a path the API does not have (404). A unit test keeps this table equal to template.yaml."""

import re
from functools import cache

ROUTES: dict[str, tuple[str, ...]] = {
    "/health": ("GET",),
    "/v1/admin/keys": ("GET", "POST"),
    "/v1/admin/keys/{keyId}": ("GET", "PATCH", "DELETE"),
    "/v1/admin/keys/{keyId}/rotate": ("POST",),
    "/v1/analytics/performance": ("GET",),
    "/v1/analytics/queries": ("GET",),
    "/v1/analytics/settings": ("GET", "PATCH"),
    "/v1/analytics/usage": ("GET",),
    "/v1/chats": ("POST",),
    "/v1/chats/{chatId}/history": ("GET",),
    "/v1/chats/{chatId}/messages": ("POST",),
    "/v1/feedback": ("POST",),
    "/v1/query": ("POST",),
    "/v1/search": ("POST",),
    "/v1/search/explain": ("POST",),
    "/v1/sources": ("GET", "POST"),
    "/v1/sources/{sourceId}": ("GET", "PATCH", "DELETE"),
    "/v1/sources/{sourceId}/files": ("GET", "POST"),
    "/v1/sources/{sourceId}/files/uploads": ("POST",),
    "/v1/sources/{sourceId}/files/{fileId}": ("GET",),
    "/v1/sources/{sourceId}/generations": ("GET",),
    "/v1/sources/{sourceId}/generations/{generationId}": ("GET",),
    "/v1/sources/{sourceId}/generations/{generationId}/rollback": ("POST",),
    "/v1/sources/{sourceId}/generations/{generationId}/evaluation": ("GET",),
    "/v1/sources/{sourceId}/generations/{generationId}/publish": ("POST",),
    "/v1/sources/{sourceId}/generations/{generationId}/discard": ("POST",),
    "/v1/sources/{sourceId}/evaluation/queries": ("GET",),
    "/v1/sources/{sourceId}/evaluation/queries/{queryId}": ("GET", "PUT", "DELETE"),
    "/v1/sources/{sourceId}/imports": ("GET", "POST"),
    "/v1/sources/{sourceId}/imports/{importId}": ("GET",),
    "/v1/sources/{sourceId}/imports/{importId}/cancel": ("POST",),
    "/v1/sources/{sourceId}/imports/{importId}/start": ("POST",),
    "/v1/sources/{sourceId}/items": ("GET", "POST"),
    "/v1/sources/{sourceId}/items/batch": ("POST",),
    "/v1/sources/{sourceId}/items/{externalItemId}": ("GET", "DELETE"),
    "/v1/sources/{sourceId}/items/{externalItemId}/published": ("GET",),
    "/v1/sources/{sourceId}/runs": ("GET", "POST"),
    "/v1/sources/{sourceId}/runs/{runId}": ("GET",),
    "/v1/sources/{sourceId}/runs/{runId}/apply": ("POST",),
    "/v1/sources/{sourceId}/runs/{runId}/changes": ("GET",),
    "/v1/sources/{sourceId}/snapshots": ("POST",),
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/abort": ("POST",),
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/commit": ("POST",),
    "/v1/sources/{sourceId}/snapshots/{snapshotId}/items": ("POST",),
    "/v1/train": ("POST",),
    "/v1/train/cancel": ("POST",),
    "/v1/train/jobs": ("GET",),
    "/v1/train/status": ("GET",),
    "/v1/webhooks": ("GET", "POST"),
    "/v1/webhooks/{webhookId}": ("GET", "PATCH", "DELETE"),
    "/v1/webhooks/{webhookId}/deliveries": ("GET",),
    "/v1/webhooks/{webhookId}/deliveries/{deliveryId}/redeliver": ("POST",),
    "/v1/webhooks/{webhookId}/rotate-secret": ("POST",),
    "/v1/webhooks/{webhookId}/test": ("POST",),
}
_METHOD_ORDER = ("GET", "POST", "PUT", "PATCH", "DELETE")


@cache
def _patterns() -> list[tuple[re.Pattern[str], tuple[str, ...]]]:
    """Most specific first, as OpenAPI matches paths: fewer parameters (items/batch before
    items/{externalItemId})."""
    ordered = sorted(ROUTES.items(), key=lambda route: route[0].count("{"))
    return [
        (re.compile("^" + re.sub(r"\\\{[A-Za-z0-9_]+\\\}", "[^/]+", re.escape(path)) + "$"), methods)
        for path, methods in ordered
    ]


def allowed_methods(path: str) -> tuple[str, ...]:
    """The methods of the route at `path` (the most specific one that matches), or () for an
    unknown path."""
    for pattern, methods in _patterns():
        if pattern.match(path):
            return tuple(method for method in _METHOD_ORDER if method in methods)
    return ()
