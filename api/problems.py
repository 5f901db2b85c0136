"""Errors as JSON problem details (RFC 9457): every refusal of the API is one of these, with
`type`, `title`, `status` and `detail` (and `errors` for invalid fields), served as
application/problem+json. The mapping from our exceptions to statuses lives here only."""

import json

from django.http import HttpResponse

PROBLEM_TYPE = "https://bookmarks.example/problems/"  # stable identifiers, not fetched
TITLES = {
    400: "Bad request",
    401: "Not authenticated",
    403: "Forbidden",
    404: "Not found",
    405: "Method not allowed",
    409: "Conflict",
    413: "Request body too large",
    415: "Unsupported media type",
    422: "Invalid request",
    429: "Too many requests",
    500: "Server error",
    503: "Service unavailable",
}
SLUGS = {
    400: "bad-request",
    401: "not-authenticated",
    403: "forbidden",
    404: "not-found",
    405: "method-not-allowed",
    409: "conflict",
    413: "too-large",
    415: "unsupported-media-type",
    422: "invalid",
    429: "rate-limited",
    500: "server-error",
    503: "unavailable",
}


class Problem(Exception):
    """Raised anywhere in the API: answered as a problem document with this status."""

    def __init__(self, status: int, detail: str, *, errors: list | None = None, headers=None):
        super().__init__(detail)
        self.status = status
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}


def problem_response(
    status: int, detail: str, *, errors: list | None = None, headers: dict | None = None
) -> HttpResponse:
    body: dict = {
        "type": PROBLEM_TYPE + SLUGS.get(status, "error"),
        "title": TITLES.get(status, "Error"),
        "status": status,
        "detail": detail,
    }
    if errors:
        body["errors"] = errors
    response = HttpResponse(
        json.dumps(body), status=status, content_type="application/problem+json"
    )
    response["Cache-Control"] = "no-store"
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="api"'
    return response


def from_problem(problem: Problem) -> HttpResponse:
    return problem_response(
        problem.status, problem.detail, errors=problem.errors, headers=problem.headers
    )


def field_errors(pydantic_errors) -> list[dict]:
    """Pydantic's errors as [{"field": "title", "in": "body", "message": "…"}] (JSON-safe)."""
    errors = []
    for error in pydantic_errors:
        parts = [str(part) for part in error.get("loc", ())]
        where = parts.pop(0) if parts and parts[0] in PLACES else "body"
        if len(parts) > 1 and parts[0] in PARAMETER_NAMES:
            parts = parts[1:]  # ninja's name for the whole body or query schema
        message = str(error.get("msg", "Invalid value"))
        if error.get("type") == "extra_forbidden":
            message = "Unknown field."
        errors.append({"field": ".".join(parts) or where, "in": where, "message": message})
    return errors


PLACES = ("body", "query", "path", "form", "file", "header", "cookie")
PARAMETER_NAMES = ("payload", "filters", "query")


def form_errors(form) -> list[dict]:
    """A Django form's errors as [{"field": name, "message": "…"}] (`__all__` for the form)."""
    return [
        {"field": name, "message": str(message)}
        for name, messages in form.errors.items()
        for message in messages
    ]
