"""Small POST endpoints shared by AJAX and plain HTML forms (like, follow).

`post_endpoint(FormClass)` does what each such view would otherwise repeat: POST only (405),
login (401 JSON, or the login page for a plain form), the form's validation (400 JSON with the
reason), and the answer: `{"status": "ok", **payload}` for AJAX, or a redirect back to a
same-site `next` for a browser without JavaScript.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.views import redirect_to_login
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from .ratelimit import Busy, RateLimited


class Refused(Exception):
    """The one refusal type: a well-formed request that cannot be done (e.g. following
    yourself). Services raise it with a reason people can read; `post_endpoint` answers it
    with a 400 (refused_response), JSON or a page."""

    status = 400


class Forbidden(Refused):
    """A refusal for someone who may see the thing but not change it (a board's viewer
    trying to edit it): answered with a 403."""

    status = 403


def wants_json(request) -> bool:
    return request.headers.get(
        "x-requested-with"
    ) == "XMLHttpRequest" or "application/json" in request.headers.get("accept", "")


def json_error(message: str, status: int = 400) -> JsonResponse:
    return JsonResponse({"status": "error", "message": message}, status=status)


def safe_next(request, fallback: str = "/") -> str:
    """The POSTed `next`, or the Referer, when it points to this site; else `fallback`."""
    for candidate in (request.POST.get("next"), request.headers.get("referer")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


def rate_limited_response(request, refusal: RateLimited | Busy):
    """The one answer to "too many" / "already running": 429 with the reason (JSON or a page)."""
    if wants_json(request):
        response = json_error(refusal.message, status=429)
    else:
        context = {"message": refusal.message, "back": safe_next(request)}
        response = render(request, "shared/refused.html", context, status=429)
    if isinstance(refusal, RateLimited):
        response["Retry-After"] = str(refusal.retry_after)
    return response


def refused_response(request, refusal: Refused):
    """The one answer to a Refused: 400 (403 for Forbidden) with the reason (JSON or a page
    with a way back)."""
    if wants_json(request):
        return json_error(str(refusal), status=refusal.status)
    context = {"message": str(refusal), "back": safe_next(request)}
    return render(request, "shared/refused.html", context, status=refusal.status)


def first_error(form) -> str:
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else None
        if label:
            return _("%(label)s: %(error)s") % {"label": label, "error": errors[0]}
        return errors[0]
    return _("Invalid request.")


def post_endpoint(form_class):
    def decorator(view):
        @wraps(view)
        @require_POST
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                if wants_json(request):
                    return json_error(_("Please log in first."), status=401)
                return redirect_to_login(safe_next(request), settings.LOGIN_URL)
            form = form_class(request.POST, user=request.user)
            try:
                if not form.is_valid():
                    raise Refused(first_error(form))
                payload = view(request, form.cleaned_data, *args, **kwargs)
            except (RateLimited, Busy) as refusal:
                return rate_limited_response(request, refusal)
            except Refused as refusal:
                return refused_response(request, refusal)
            if wants_json(request):
                return JsonResponse({"status": "ok", **payload})
            return redirect(safe_next(request))

        return wrapper

    return decorator
