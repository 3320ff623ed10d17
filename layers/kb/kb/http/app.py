"""Each function's FastAPI app and its Lambda handler: Mangum inside the Powertools decorators."""

import warnings
from collections.abc import Callable
from typing import Any, get_args

from aws_lambda_powertools.logging import correlation_paths
from fastapi import APIRouter, FastAPI, Request, Response
from fastapi.routing import APIRoute
from mangum import Mangum
from pydantic import BaseModel
from pydantic.warnings import UnsupportedFieldAttributeWarning

from kb import afterwork, snapstart
from kb.analytics.hook import install_recording
from kb.http.errors import install_error_handlers
from kb.observability import logger, metrics, tracer

# FastAPI builds a body's adapter (Annotated[Model, Body(alias="body")]) with this warning silenced;
# a deferred model builds it later, outside FastAPI's filter. The alias is inert either way.
warnings.filterwarnings("ignore", category=UnsupportedFieldAttributeWarning, message="The 'alias' attribute")

API_TITLE = "Knowledge Base API"
API_VERSION = "0.1.0"
BASE_PATH = "/api"


def build_app(*routers: APIRouter) -> FastAPI:
    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        servers=[{"url": BASE_PATH}],
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # the contract is openapi.yaml; functions do not serve it
        generate_unique_id_function=lambda route: route.name,
        # A slash redirect would point outside /api (Mangum strips it): unknown paths are 404s.
        redirect_slashes=False,
    )
    for router in routers:
        app.include_router(router)
    build_route_models(*routers)
    install_error_handlers(app)
    install_recording(app)

    @app.middleware("http")
    async def rate_limit_headers(request: Request, call_next: Callable[[Request], Any]) -> Response:
        """Every response to an identified key carries its rate-limit window (429s included)."""
        response: Response = await call_next(request)
        window = getattr(request.state, "rate_limit", None)
        if window is not None:
            response.headers.update(window.headers())
        return response

    return app


def build_route_models(*routers: APIRouter) -> None:
    """Our models defer their build (kb.models); the ones this function's routes validate and
    serialize are built now, at import, so a first request costs what any request costs."""
    for router in routers:
        for route in router.routes:
            if isinstance(route, APIRoute):
                annotations = [route.response_model, *(f.field_info.annotation for f in route.dependant.body_params)]
                for model in _models_in(annotations):
                    model.model_rebuild()


def _models_in(annotations: list[Any]) -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    while annotations:
        annotation = annotations.pop()
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            found.add(annotation)
        annotations.extend(get_args(annotation))  # Annotated[...], X | None, list[X]
    return found


def make_handler(app: FastAPI) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    asgi = Mangum(app, lifespan="off", api_gateway_base_path=BASE_PATH)
    snapstart.install_common()
    # Built now, in the Init phase: Lambda registers an extension only before the first Next.
    after = afterwork.current()

    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)  # responses carry one-time secrets
    @logger.inject_lambda_context(correlation_id_path=correlation_paths.API_GATEWAY_HTTP)
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        try:
            return asgi(event, context)
        finally:
            after.invocation_ended()  # what the request deferred runs once the response is out

    return handler


def make_task_handler(
    task: Callable[[dict[str, Any]], dict[str, Any]],
) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The same observability for a state machine's task function (no HTTP)."""
    snapstart.install_common()

    @metrics.log_metrics
    @tracer.capture_lambda_handler(capture_response=False)  # task results may carry customer content
    @logger.inject_lambda_context
    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        return task(event)

    return handler
