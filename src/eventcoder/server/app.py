"""``create_app``: the HTTP API and the web explorer over one loaded pipeline and an optional store.

Routes: ``POST /api/code`` (the CLI's document record; ``store: true`` also writes it),
``GET /api/events`` and ``/api/summary`` (the ``events`` command's filters as query parameters;
``fused=true`` for fused events), ``GET /api/fused/{id}``,
``GET /api/documents/{id}``, ``GET /api/outlines`` (country outlines for the map), ``GET /healthz``,
``GET /openapi.json`` and the explorer at ``GET /``. Errors: ``problems.py``.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, Query, Request
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import __version__
from ..errors import Errors, InputError
from ..records import DocumentResult
from ..settings import Settings
from ..store.api import MAX_OFFSET
from .coding import DEFAULT_MAX_PENDING, Busy, Coder, CodeRequest, article_from_request, published_problem
from .longlane import DEFAULT_LONG_CHARS, DEFAULT_MAX_SECONDS
from .outlines import outlines_json
from .problems import ApiError, BodyLimitMiddleware, CatchAllMiddleware, install_error_handlers

if TYPE_CHECKING:
    from ..pipeline import Pipeline

__all__ = ["DEFAULT_MAX_BODY", "create_app"]

DEFAULT_MAX_BODY = 5 * 1024 * 1024  # 5 MiB: a long article's HTML; raise with --max-body-mb
STATIC = files("eventcoder.server") / "static"
# what a failed ingest record means for the request: the client's input (422) unless it is ours
_SERVER_SIDE = {"EC010", "EC071", "EC072", "EC074"}
# the page may load only what this server serves (no CDN can creep in unnoticed)
_SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
     b"connect-src 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
]


class _SecurityHeaders:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *_SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, with_headers)


def _render(result: DocumentResult) -> bytes:
    """The record as ``JSONResponse`` renders it (UTF-8 JSON, no ASCII escapes)."""
    return json.dumps(result.to_dict(), ensure_ascii=False, allow_nan=False, indent=None,
                      separators=(",", ":")).encode("utf-8")


def event_query(
    type: Annotated[str | None, Query(description="PLOVER event type, e.g. ASSAULT")] = None,
    country: Annotated[str | None, Query(description="ISO 3166 alpha-3 (or alpha-2) country of the "
                                         "actor, recipient or location")] = None,
    since: Annotated[str | None, Query(description="dated on or after YYYY-MM-DD")] = None,
    until: Annotated[str | None, Query(description="dated on or before YYYY-MM-DD")] = None,
    near: Annotated[str | None, Query(description="LAT,LON,KM: events within KM of a point")] = None,
    doc_id: Annotated[str | None, Query(description="events of one document")] = None,
) -> Any:
    """The ``events`` command's filters, validated by the store's own ``normalize_query`` so the
    CLI and the API accept and refuse the same values (a bad one: 422 EC041 with the store's code)."""
    from ..store import EventQuery, normalize_query, parse_near

    def given(value: str | None) -> str | None:
        return value if value is not None and value.strip() else None

    try:
        near_value = parse_near(near) if near is not None and near.strip() else None
        return normalize_query(EventQuery(type=given(type), country=given(country), since=given(since),
                                          until=given(until), near=near_value, doc_id=given(doc_id)))
    except InputError as exc:
        raise ApiError(422, Errors.EC041, {"code": exc.code, "message": exc.message},
                       detail=exc.message) from None


def create_app(
    settings: Settings | None = None,
    db: Any = None,
    api_keys: tuple[str, ...] | list[str] = (),
    max_body: int = DEFAULT_MAX_BODY,
    cors_origins: tuple[str, ...] | list[str] = (),
    *,
    pipeline: Pipeline | None = None,
    max_pending: int = DEFAULT_MAX_PENDING,
    long_chars: int | None = DEFAULT_LONG_CHARS,
    max_seconds: float = DEFAULT_MAX_SECONDS,
) -> FastAPI:
    """The application. ``db`` is a store path/URL (opened here, closed at shutdown) or an open
    ``Store``; ``api_keys`` guard every POST when given; ``pipeline`` reuses a loaded one;
    ``max_pending`` documents may wait for the pipeline before ``POST /api/code`` answers 503;
    documents of ``long_chars`` characters or more are coded in the long-document lane (``None``:
    none), each within ``max_seconds`` (EC075 beyond)."""
    settings = settings or Settings()
    keys = tuple(k for k in api_keys if k)
    coder = Coder(settings, pipeline, max_pending=max_pending, long_chars=long_chars, max_seconds=max_seconds)
    owns_store = isinstance(db, str)
    store: Any = None
    if owns_store:
        from ..store import open_store

        store = open_store(db)
    elif db is not None:
        store = db

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        yield
        coder.close()
        if owns_store:
            store.close()

    app = FastAPI(
        title="eventcoder",
        version=__version__,
        description="Code news text into source-attributed PLOVER events; query the event store.",
        docs_url=None,  # Swagger UI and ReDoc load from a CDN; the server works offline
        redoc_url=None,
        lifespan=lifespan,
    )
    app.state.coder = coder
    app.state.store = store
    install_error_handlers(app)
    app.add_middleware(CatchAllMiddleware)  # innermost: an unexpected error never closes the connection
    app.add_middleware(BodyLimitMiddleware, max_body=max_body)
    app.add_middleware(_SecurityHeaders)
    if cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(cors_origins),
            allow_methods=["GET", "POST"],
            allow_headers=["Content-Type", "X-API-Key", "Authorization"],
        )

    def require_key(request: Request) -> None:
        if not keys:
            return
        given = request.headers.get("x-api-key")
        auth = request.headers.get("authorization", "")
        if given is None and auth[:7].lower() == "bearer ":
            given = auth[7:].strip()
        if given and any(hmac.compare_digest(given.encode(), k.encode()) for k in keys):
            return
        raise ApiError(401, Errors.EC045, headers={"WWW-Authenticate": "Bearer"})

    def need_store(action: str) -> Any:
        if store is None:
            raise ApiError(400, Errors.EC046, action=action)
        return store

    @app.post("/api/code", dependencies=[Depends(require_key)], tags=["code"],
              summary="Code one document; the record `eventcoder code` writes")
    async def code(body: CodeRequest) -> Response:
        target = need_store("store documents") if body.store else None
        if (problem := published_problem(body.published)) is not None:  # as the CLI's --published
            raise ApiError(422, Errors.EC041, {"code": Errors.EC020.code, "message": problem},
                           detail=f"published: {problem}")
        # HTML extraction of a large page takes a while: off the event loop
        item = await run_in_threadpool(article_from_request, body, settings)
        try:
            result: DocumentResult = item if isinstance(item, DocumentResult) else await coder.code(item)
        except Busy as busy:
            raise ApiError(503, Errors.EC055, {"pending": busy.pending, "limit": busy.limit},
                           headers={"Retry-After": "5"}, pending=busy.pending, limit=busy.limit) from None
        if result.status != "ok":
            assert result.error is not None
            status = 500 if result.error.code in _SERVER_SIDE else 422
            raise ApiError(status, Errors.EC047, result.error.to_dict(), detail=result.error.message)
        if target is not None:
            await run_in_threadpool(target.upsert, [result])
        # a long document's record runs to megabytes: rendered off the event loop
        content = await run_in_threadpool(_render, result)
        return Response(content, media_type="application/json",
                        headers={"X-Eventcoder-Stored": "1" if target else "0"})

    @app.get("/api/events", tags=["store"], summary="Stored events matching the filters, paginated")
    async def events(
        request: Request,
        query: Annotated[Any, Depends(event_query)],
        limit: Annotated[int, Query(ge=1, le=1000)] = 100,
        offset: Annotated[int, Query(ge=0, le=MAX_OFFSET)] = 0,
        fused: Annotated[bool, Query(description="one record per real-world event, fused across articles, "
                                                 "with its reports and their disagreements")] = False,
    ) -> dict[str, Any]:
        s = need_store("query events")
        if fused:
            total = await run_in_threadpool(s.count_fused, query)
            found = await run_in_threadpool(s.fused_events, query, limit, offset)
            rows: list[Any] = [ev.to_dict() for ev in found]
        else:
            total = await run_in_threadpool(s.count_events, query)
            rows = await run_in_threadpool(s.events, query, limit, offset)
        following = None
        if offset + limit < total:
            following = str(request.url.include_query_params(offset=offset + limit, limit=limit))
        return {"total": total, "limit": limit, "offset": offset, "fused": fused, "events": rows,
                "next": following}

    @app.get("/api/summary", tags=["store"], summary="Counts by type and month for the filters")
    async def summary(
        query: Annotated[Any, Depends(event_query)],
        fused: Annotated[bool, Query(description="count fused events")] = False,
    ) -> dict[str, Any]:
        s = need_store("summarise the corpus")
        result: dict[str, Any] = await run_in_threadpool(s.summary, query, fused)
        return result

    @app.get("/api/fused/{fused_id}", tags=["store"], summary="One fused event with its reports")
    async def fused_event(fused_id: str) -> dict[str, Any]:
        s = need_store("read fused events")
        ev = await run_in_threadpool(s.fused_event, fused_id)
        if ev is None:
            raise ApiError(404, Errors.EC043, what=f"fused event {fused_id!r}")
        out: dict[str, Any] = ev.to_dict()
        return out

    # `:path`: ids may hold slashes (JSONL ids such as "2020/09/27/x"; a failed file's id is its path)
    @app.get("/api/documents/{doc_id:path}", tags=["store"], summary="One stored document record")
    async def document(doc_id: str) -> dict[str, Any]:
        s = need_store("read documents")
        doc = await run_in_threadpool(s.document, doc_id)
        if doc is None:
            raise ApiError(404, Errors.EC043, what=f"document {doc_id!r}")
        out: dict[str, Any] = doc.to_dict()
        return out

    @app.get("/api/outlines", tags=["explorer"], summary="Country outlines (GeoJSON) for the map")
    async def outlines() -> Response:
        body = await run_in_threadpool(outlines_json)
        return Response(body, media_type="application/geo+json",
                        headers={"Cache-Control": "public, max-age=86400"})

    @app.get("/healthz", tags=["meta"], summary="Liveness and configuration")
    async def healthz() -> dict[str, Any]:
        return {"status": "ok", "version": __version__, "pipeline": coder.describe(),
                "store": store is not None, "api_key_required": bool(keys), "max_body": max_body}

    @app.get("/", include_in_schema=False)
    async def index() -> FileResponse:
        return FileResponse(str(STATIC / "index.html"), media_type="text/html")

    app.mount("/static", StaticFiles(directory=str(STATIC)), name="static")
    return app
