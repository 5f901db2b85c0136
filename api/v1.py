"""The REST API, version 1 (django-ninja): /api/v1/…, schema at /api/v1/openapi.json, docs at
/api/v1/docs/ (Swagger UI from our own static files: ninja ships them, and is an installed
app). Every error is a problem document (api.problems), mapped here in one place."""

import logging

from django.core.exceptions import RequestDataTooBig, SuspiciousOperation
from django.http import Http404
from django.http.multipartparser import MultiPartParserError
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from bookmarks.ratelimit import Busy, RateLimited

from .problems import Problem, field_errors, from_problem, problem_response

logger = logging.getLogger(__name__)

api = NinjaAPI(
    title="Bookmarks API",
    version="1",
    description=(
        "Your bookmarks, boards, likes, follows, feed and notifications. Authenticate with a "
        "personal access token from your profile page: `Authorization: Bearer <token>`. "
        "Errors are problem documents (RFC 9457)."
    ),
    urls_namespace="api-1",
    docs_url="/docs/",
    openapi_url="/openapi.json",
)


@api.exception_handler(Problem)
def _problem(request, exc: Problem):
    return from_problem(exc)


@api.exception_handler(ValidationError)
def _invalid(request, exc: ValidationError):
    errors = field_errors(exc.errors)
    detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:3]) or "Invalid request."
    return problem_response(422, detail, errors=errors)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return problem_response(
        401, "Send a personal access token (Authorization: Bearer <token>), or log in."
    )


@api.exception_handler(HttpError)
def _http_error(request, exc: HttpError):
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return problem_response(400, "The request body is not valid JSON.")
    if exc.status_code == 403 and "CSRF" in str(exc):
        return problem_response(
            403, "CSRF check failed: send the X-CSRFToken header with the session's token."
        )
    return problem_response(exc.status_code, str(exc))


@api.exception_handler(Http404)
def _not_found(request, exc):
    return problem_response(404, str(exc) or "No such thing.")


@api.exception_handler(RateLimited)
def _rate_limited(request, exc: RateLimited):
    return problem_response(429, exc.message, headers={"Retry-After": str(exc.retry_after)})


@api.exception_handler(Busy)
def _busy(request, exc: Busy):
    return problem_response(429, exc.message, headers={"Retry-After": "5"})


@api.exception_handler(Exception)
def _unexpected(request, exc: Exception):
    if isinstance(exc, RequestDataTooBig):
        return problem_response(413, "The request body is too large.")
    if isinstance(exc, MultiPartParserError | SuspiciousOperation | UnicodeError):
        return problem_response(400, "The request body could not be read.")
    logger.exception("API error on %s %s", request.method, request.path)
    return problem_response(500, "Something went wrong on our side. Please try again.")


from . import endpoints  # noqa: E402  (registers the operations on `api`)

endpoints.register(api)
