"""Errors as RFC 9457 problem details (``application/problem+json``) and the request body size limit.

Mapping (``moratorium.errors``): ``NotFoundError`` 404, ``ConflictError`` 409, other ``InputError`` 422,
``AuthError`` 401, ``ForbiddenError`` 403, ``EquivocationError`` 409, other ``VerificationError`` 400,
``StoreError`` 503. Request validation by FastAPI gives 422, an oversized body 413. Anything else is a bug:
500 with a generic problem and no traceback in the answer.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from moratorium.api.auth import AuthError
from moratorium.errors import (
    ConflictError,
    EquivocationError,
    Error,
    InputError,
    NotFoundError,
    StoreError,
    VerificationError,
)

__all__ = ["BodyLimit", "ForbiddenError", "UnsupportedMediaTypeError", "install_handlers", "problem"]

_log = logging.getLogger("moratorium.api")
PROBLEM = "application/problem+json"


class ForbiddenError(VerificationError):
    """A valid signature by a party that may not do this (HTTP 403)."""


def problem(status: int, title: str, detail: str, **extra: Any) -> JSONResponse:
    """A problem details response (RFC 9457 §3)."""
    body = {"type": "about:blank", "title": title, "status": status, "detail": detail, **extra}
    headers = {"WWW-Authenticate": 'Signature realm="moratorium"'} if status == 401 else None
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


class UnsupportedMediaTypeError(InputError):
    """A request body in a media type the route does not take (HTTP 415)."""


def _status(exc: Error) -> tuple[int, str]:
    if isinstance(exc, UnsupportedMediaTypeError):
        return 415, "Unsupported Media Type"
    if isinstance(exc, NotFoundError):
        return 404, "Not Found"
    if isinstance(exc, ConflictError):
        return 409, "Conflict"
    if isinstance(exc, InputError):
        return 422, "Unprocessable Content"
    if isinstance(exc, AuthError):
        return 401, "Unauthorized"
    if isinstance(exc, ForbiddenError):
        return 403, "ForbiddenError"
    if isinstance(exc, EquivocationError):
        return 409, "Equivocation"
    if isinstance(exc, VerificationError):
        return 400, "Verification Failed"
    if isinstance(exc, StoreError):
        return 503, "Store Unavailable"
    return 500, "Internal Server Error"


def install_handlers(app: FastAPI) -> None:
    """Register the problem-details exception handlers on ``app``."""

    async def on_error(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, Error)
        status, title = _status(exc)
        extra: dict[str, Any] = {}
        if isinstance(exc, InputError):
            extra = {k: v for k, v in (("field", exc.field), ("seq", exc.seq)) if v is not None}
        proof = getattr(exc, "proof", None)
        if proof is not None:
            extra["proof"] = proof
        return problem(status, title, str(exc), **extra)

    async def on_validation(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        errors = [{"loc": [str(p) for p in e.get("loc", ())], "msg": str(e.get("msg", ""))} for e in exc.errors()]
        detail = "; ".join(f"{'.'.join(e['loc'])}: {e['msg']}" for e in errors[:5])
        return problem(422, "Unprocessable Content", detail or "invalid request", errors=errors)

    async def on_http(_request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        return problem(exc.status_code, str(exc.detail), str(exc.detail))

    async def on_bug(_request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, RecursionError):  # a hostile body nested too deeply for some parser: bad input
            return problem(422, "Unprocessable Content", "the request is nested too deeply")
        _log.exception("unhandled error", exc_info=exc)
        return problem(500, "Internal Server Error", "the node failed to answer; see its log")

    app.add_exception_handler(Error, on_error)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_bug)


class BodyLimit:
    """ASGI middleware: refuse a request body over ``max_bytes`` with 413 before the app reads it."""

    def __init__(self, app: ASGIApp, *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers", ())).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._refuse(scope, receive, send)
            return
        chunks: list[bytes] = []
        total = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            total += len(chunk)
            if total > self.max_bytes:
                await self._refuse(scope, receive, send)
                return
            chunks.append(chunk)
            more = bool(message.get("more_body", False))
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, scope: Scope, receive: Receive, send: Send) -> None:
        response = problem(413, "Content Too Large", f"request bodies are limited to {self.max_bytes} bytes")
        await response(scope, receive, send)
