"""One JSON error shape for every 4xx/5xx the HTTP API answers, and the request size limit.

``{"error": {"code": "EC041", "message": "[EC041] ...", "status": 422, "detail": ...}}`` comes out
of our own errors, FastAPI's validation errors, Starlette's 404/405, bodies over the limit and
unexpected exceptions alike, so a client needs one parser. Codes come from ``errors.Errors``.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..errors import Errors, EventcoderError

__all__ = ["ApiError", "BodyLimitMiddleware", "CatchAllMiddleware", "error_body", "install_error_handlers"]

_LOG = logging.getLogger("eventcoder.server")
# HTTP status -> the code used when only the status is known (Starlette's own 404, 405, ...)
_BY_STATUS = {400: Errors.EC040, 401: Errors.EC045, 404: Errors.EC043, 405: Errors.EC044, 413: Errors.EC042}


class ApiError(Exception):
    """An error the API answers on purpose: status, coded message and optional detail."""

    def __init__(self, status: int, error: Errors, info: Any = None, *,
                 headers: dict[str, str] | None = None, **kwargs: object) -> None:
        """``info`` becomes the shape's ``detail``; ``kwargs`` fill the message's fields."""
        self.status = status
        self.code = error.code
        self.message = error.format(**kwargs)
        self.detail = info
        self.headers = headers
        super().__init__(self.message)


def error_body(status: int, code: str, message: str, detail: Any = None) -> dict[str, Any]:
    return {"error": {"code": code, "message": message, "status": status, "detail": detail}}


def _respond(status: int, code: str, message: str, detail: Any = None,
             headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(error_body(status, code, message, detail), status_code=status, headers=headers)


def _validation_items(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Location, message and type of each error (pydantic's ``input``/``ctx`` may not be JSON)."""
    return [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", "")),
             "type": str(e.get("type", ""))} for e in exc.errors()]


async def _api_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    return _respond(exc.status, exc.code, exc.message, exc.detail, exc.headers)


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    items = _validation_items(exc)
    for raw in exc.errors():
        if raw.get("type") == "json_invalid":
            ctx = raw.get("ctx") or {}
            loc = raw.get("loc", ())
            where = f" at character {loc[-1]}" if len(loc) > 1 else ""
            detail = f"{ctx.get('error', 'invalid JSON')}{where}"
            return _respond(400, Errors.EC040.code, Errors.EC040.format(detail=detail), items)
    first = items[0] if items else {"loc": [], "msg": "invalid"}
    where = ".".join(first["loc"]) or "request"
    message = Errors.EC041.format(detail=f"{where}: {first['msg']}")
    return _respond(422, Errors.EC041.code, message, items)


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    status = exc.status_code
    error = _BY_STATUS.get(status, Errors.EC048)
    detail = exc.detail if isinstance(exc.detail, str | list | dict) else None
    limit = request.scope.get("eventcoder.max_body", 0)
    by_status: dict[int, dict[str, object]] = {
        404: {"what": request.url.path},
        405: {"method": request.method, "path": request.url.path},
        413: {"size": f"more than {limit:,}", "limit": f"{limit:,}"},
        400: {"detail": detail or "cannot parse it"},
        401: {},
    }
    fields = by_status.get(status, {"status": status, "detail": detail or "error"})
    message = error.format(**fields)
    return _respond(status, error.code, message, detail, dict(exc.headers or {}) or None)


async def _coded(_: Request, exc: Exception) -> JSONResponse:
    """An eventcoder error from below (the store's EC037 when its database fails): 500 with its code.
    The message names the store and quotes the driver (host, user, SQL), so it goes to the server's
    log, not to the client."""
    assert isinstance(exc, EventcoderError)
    _LOG.error("%s", exc.message)
    return _respond(500, Errors.EC049.code, Errors.EC049.format(detail=exc.code), {"code": exc.code})


async def _unexpected(_: Request, exc: Exception) -> JSONResponse:
    return _respond(500, Errors.EC049.code, Errors.EC049.format(detail=type(exc).__name__))


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(EventcoderError, _coded)
    app.add_exception_handler(Exception, _unexpected)


class _StartedSend:
    """The ASGI ``send`` of one request, telling whether the response has started: after that an
    error can no longer be answered with a response of its own."""

    def __init__(self, send: Send) -> None:
        self.send = send
        self.started = False

    async def __call__(self, message: Message) -> None:
        if message["type"] == "http.response.start":
            self.started = True
        await self.send(message)


class CatchAllMiddleware:
    """Answer an unexpected exception with the 500 shape (EC049) and keep the connection.

    Starlette's outermost middleware answers a 500 and then raises the exception again for the
    server to log, and uvicorn closes a connection whose application raised after answering, so
    a client's next request on the same keep-alive connection failed too (issue 15). This one
    sits inside it: it logs the exception, answers, and returns normally. An exception after the
    response has started cannot be answered and is raised as before.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = _StartedSend(send)
        try:
            await self.app(scope, receive, sent)
        except Exception as exc:
            if sent.started:
                raise
            _LOG.error("unexpected error on %s %s", scope.get("method"), scope.get("path"), exc_info=exc)
            response = _respond(500, Errors.EC049.code, Errors.EC049.format(detail=type(exc).__name__))
            await response(scope, receive, send)


class BodyTooLarge(StarletteHTTPException):
    def __init__(self) -> None:
        super().__init__(413)


class BodyLimitMiddleware:
    """Refuse bodies over ``max_body`` bytes before reading them whole.

    A declared ``Content-Length`` over the limit is answered 413 at once; otherwise the bytes are
    counted as they stream in and reading stops at the first chunk past the limit (chunked bodies
    and lying clients included).
    """

    def __init__(self, app: ASGIApp, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope["eventcoder.max_body"] = self.max_body
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None:
            try:
                size = int(declared)
            except ValueError:
                size = -1
            if size < 0:
                await self._refuse(send, 400, Errors.EC040.code,
                                   Errors.EC040.format(detail="invalid Content-Length header"))
                return
            if size > self.max_body:
                await self._refuse(send, 413, Errors.EC042.code,
                                   Errors.EC042.format(size=f"{size:,}", limit=f"{self.max_body:,}"))
                return
        seen = 0
        sent = _StartedSend(send)

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise BodyTooLarge()
            return message

        try:
            await self.app(scope, counting_receive, sent)
        except BodyTooLarge:  # read outside a route (the route's own reads are answered by the handler)
            if not sent.started:
                await self._refuse(send, 413, Errors.EC042.code,
                                   Errors.EC042.format(size=f"more than {self.max_body:,}",
                                                       limit=f"{self.max_body:,}"))

    @staticmethod
    async def _refuse(send: Send, status: int, code: str, message: str) -> None:
        response = _respond(status, code, message, headers={"Connection": "close"})
        await send({"type": "http.response.start", "status": status, "headers": response.raw_headers})
        await send({"type": "http.response.body", "body": response.body})
