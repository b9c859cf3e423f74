"""One error handler for the whole server. Every error body carries a stable code; /v1 answers in OpenAI's error
shape so that existing clients show the message instead of failing to parse it. A person's browser navigating the
pages gets a page instead, in their language; signing in is offered where that is the fix."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from edgekit.errors import EdgekitError

OPENAI_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    415: "invalid_request_error",
    422: "invalid_request_error",
    429: "rate_limit_error",
}


def wants_page(request: Request) -> bool:
    """A browser navigating (or posting a form), not a script: it asks for HTML and is not on an API path."""
    path = request.url.path
    if path.startswith(("/v1/", "/auth/")) or "/api/" in path or path == "/healthz":
        return False
    return "text/html" in request.headers.get("accept", "")


def error_response(request: Request, status: int, code: str, message: str, headers: dict | None = None):
    if wants_page(request):
        return error_page(request, status, code, headers)
    if request.url.path.startswith("/v1/"):
        body = {
            "error": {"message": message, "type": OPENAI_TYPES.get(status, "server_error"), "param": None, "code": code}
        }
    else:
        body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def error_page(request: Request, status: int, code: str, headers: dict | None = None):
    from edgekit.server.pages import render

    if code == "not_authenticated" and request.method == "GET":
        return RedirectResponse(f"/login?next={quote(request.url.path)}", status_code=303)
    response = render(request, "error.html", {"code": code, "status": status}, status=status)
    response.headers.update(headers or {})
    return response


def edgekit_error_response(request: Request, exc: EdgekitError):
    headers = {}
    if (retry_after := getattr(exc, "retry_after_s", None)) is not None:
        headers["Retry-After"] = str(retry_after)
    if getattr(exc, "close_connection", False):
        headers["Connection"] = "close"
    return error_response(request, exc.http_status, exc.code, exc.message, headers or None)


def body_problem(exc: StarletteHTTPException) -> EdgekitError | None:
    """What went wrong reading a request body, when that is what the framework's HTTPException stands for: a body
    limit of ours (which FastAPI wraps as "There was an error parsing the body"), Starlette's form limits (1 MB a
    field, 1,000 fields or files) or a malformed body. Each gets a stable code in the documented error shape."""
    from starlette.formparsers import MultiPartException

    cause = exc.__cause__ or exc.__context__
    if exc.status_code != 400 or cause is None:  # FastAPI and Starlette wrap a body's failure as a 400
        return None
    if isinstance(cause, EdgekitError):
        return cause
    message = str(exc.detail)
    if isinstance(cause, MultiPartException) and "exceeded maximum size" in message:
        return EdgekitError(f"{message} Send large files as uploads.", code="field_too_large", http_status=413)
    if isinstance(cause, MultiPartException) and message.startswith("Too many"):
        return EdgekitError(message, code="too_many_fields", http_status=413)
    return EdgekitError(f"The request body could not be read: {message}", code="bad_body", http_status=400)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EdgekitError)
    async def edgekit_error(request: Request, exc: EdgekitError):
        return edgekit_error_response(request, exc)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'] if part != 'body')}: {error['msg']}"
            for error in exc.errors()
        )
        return error_response(request, 400, "bad_input", f"The request is not valid: {problems}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if (problem := body_problem(exc)) is not None:
            return edgekit_error_response(request, problem)
        if wants_page(request):
            return error_page(request, exc.status_code, "not_found" if exc.status_code == 404 else "http_error")
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
