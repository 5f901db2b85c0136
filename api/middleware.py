"""What the API needs before and after ninja sees a request (paths under /api/ only):

- both forms of every address answer: `/api/v1/me` is served as `/api/v1/me/` (no redirect,
  which would lose a POST's body);
- a body larger than the cap is refused with 413 before anything reads it;
- whatever Django itself answers there (an unknown address, a wrong method) is a problem
  document too, never the site's HTML error pages.
"""

from django.conf import settings

from .problems import problem_response

PREFIX = "/api/"
NO_SLASH = ("/openapi.json",)
JSON_BODY_MAX_BYTES = 64 * 1024
UPLOAD_SLACK_BYTES = 64 * 1024  # the form fields and multipart framing around the file


def body_cap(request) -> int:
    if request.content_type == "multipart/form-data":
        return settings.IMAGE_MAX_BYTES + UPLOAD_SLACK_BYTES
    return JSON_BODY_MAX_BYTES


class ApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(PREFIX):
            return self.get_response(request)
        if not request.path_info.endswith("/") and not request.path_info.endswith(NO_SLASH):
            request.path_info += "/"
            request.path += "/"
        if "\x00" in request.path_info or "%00" in request.META.get("QUERY_STRING", ""):
            # No name, tag, cursor or search holds one; PostgreSQL refuses them in text.
            return problem_response(400, "The address holds a NUL character.")
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return problem_response(400, "The Content-Length header is not a number.")
        cap = body_cap(request)
        if length > cap:
            return problem_response(
                413, f"The request body is {length} bytes; the most this accepts is {cap}."
            )
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        if response.status_code >= 400 and "json" not in content_type:
            return self._as_problem(response)
        return response

    @staticmethod
    def _as_problem(response):
        status = response.status_code
        if status == 404:
            return problem_response(404, "There is nothing at this address.")
        if status == 405:
            allowed = response.get("Allow", "")
            return problem_response(
                405,
                f"This address answers {allowed or 'other methods'}.",
                headers={"Allow": allowed},
            )
        if status == 403:
            return problem_response(403, "This request was refused.")
        if status == 413:
            return problem_response(413, "The request body is too large.")
        if status >= 500:
            return problem_response(status, "Something went wrong on our side. Please try again.")
        return problem_response(status, "This request could not be understood.")
