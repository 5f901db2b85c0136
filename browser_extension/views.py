"""Connect the browser extension: a token for it without copy and paste.

The person presses Connect (a POST with our CSRF token, so no other site can make one for
them); the answer holds the new write-scoped token in a data attribute of this page. The
extension's content script, which runs on this address of our origin only, reads it, hands it
to the extension and takes it off the page. No other site can read this page (same-origin
policy, and it may not be framed); the answer is never cached.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from api.models import Scope
from api.tokens import TokenLimit, create_token
from bookmarks.http import rate_limited_response
from bookmarks.ratelimit import RateLimited, hit

TEMPLATE = "browser_extension/connect.html"


@never_cache
@login_required
def connect(request):
    context = {"section": "extension"}
    if request.method != "POST":
        return render(request, TEMPLATE, context)
    try:
        hit("extension_connect", str(request.user.pk))
        today = date_format(timezone.localdate(), "DATE_FORMAT")
        name = _("Browser extension (%(date)s)") % {"date": today}
        _token, context["token"] = create_token(user=request.user, name=name, scope=Scope.WRITE)
    except RateLimited as refusal:
        return rate_limited_response(request, refusal)
    except TokenLimit as limit:
        context["error"] = str(limit)
        return render(request, TEMPLATE, context, status=400)
    return render(request, TEMPLATE, context)
