"""One error handler for the whole server. Every error body carries a stable code; /v1 answers in OpenAI's error
shape so that existing clients show the message instead of failing to parse it."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

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


def error_response(request: Request, status: int, code: str, message: str, headers: dict | None = None):
    if request.url.path.startswith("/v1/"):
        body = {
            "error": {"message": message, "type": OPENAI_TYPES.get(status, "server_error"), "param": None, "code": code}
        }
    else:
        body = {"error": {"code": code, "message": message}}
    return JSONResponse(body, status_code=status, headers=headers)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(EdgekitError)
    async def edgekit_error(request: Request, exc: EdgekitError) -> JSONResponse:
        retry_after = getattr(exc, "retry_after_s", None)
        headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
        return error_response(request, exc.http_status, exc.code, exc.message, headers)

    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(part) for part in error['loc'] if part != 'body')}: {error['msg']}"
            for error in exc.errors()
        )
        return error_response(request, 400, "bad_input", f"The request is not valid: {problems}.")
