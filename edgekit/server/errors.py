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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EdgekitError)
    async def edgekit_error(request: Request, exc: EdgekitError):
        retry_after = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return error_response(request, exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError):
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'] if part != 'body')}: {error['msg']}"
            for error in exc.errors()
        )
        return error_response(request, 400, "bad_input", f"The request is not valid: {problems}.")

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        if wants_page(request):
            return error_page(request, exc.status_code, "not_found" if exc.status_code == 404 else "http_error")
        return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=exc.headers)
