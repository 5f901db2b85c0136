"""The phone side: the web app manifest, its service worker and offline page, and the
share target ("Share to Bookmarks" in a phone's share sheet). See shares.services."""

import hashlib
import json

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control, never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST, require_safe

from bookmarks.clientip import client_key
from bookmarks.http import rate_limited_response
from bookmarks.imaging import ImageError
from bookmarks.media import MEDIA_CSP
from bookmarks.ratelimit import Busy, RateLimited, hit, one_at_a_time
from images import hooks
from images.models import Image
from images.services import AlreadyBookmarked, StoreError

from . import services
from .forms import ConfirmPhotoForm, ShareTargetForm
from .models import SharedPhoto

SESSION_KEY = "shared_photos"  # tokens of the photos this session staged while logged out
ACCEPTED = ["image/jpeg", "image/png", "image/gif", "image/webp"]
SW = "shares/sw.js"
BUSY = gettext_lazy("Your previous image is still being saved. Try again in a moment.")


@require_safe
@cache_control(max_age=3600)
def manifest(request):
    icons = [
        {
            "src": static(f"img/icons/{name}-{size}.png"),
            "sizes": f"{size}x{size}",
            "type": "image/png",
            "purpose": purpose,
        }
        for name, purpose in (("icon", "any"), ("maskable", "maskable"))
        for size in (192, 512)
    ]
    data = {
        "id": "/",
        "name": "Bookmarks",
        "short_name": "Bookmarks",
        "description": "Save the images you love from anywhere on the web.",
        "start_url": reverse("dashboard"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": "#e0445a",
        "icons": icons,
        "share_target": {
            "action": reverse("shares:target"),
            "method": "POST",
            "enctype": "multipart/form-data",
            "params": {
                "title": "title",
                "text": "text",
                "url": "url",
                "files": [{"name": "image", "accept": ["image/*", *ACCEPTED]}],
            },
        },
    }
    return HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")


@require_safe
def service_worker(request):
    context = {"offline_url": reverse("offline"), "version": ""}
    # The cache's name follows the script's content (and so the static files' hashed names).
    context["version"] = hashlib.sha256(render_to_string(SW, context).encode()).hexdigest()[:12]
    script = render_to_string(SW, context)
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"  # a new version reaches browsers at once
    return response


@require_safe
def offline(request):
    # The same page for everyone (no name, no messages): the service worker keeps a copy.
    response = render(request, "shares/offline.html")
    response["Cache-Control"] = "no-cache"
    return response


@csrf_exempt  # the share sheet's POST comes from the phone, without our token: it only stages
@require_POST
def share_target(request):
    form = ShareTargetForm(request.POST)
    if not form.is_valid():
        return _nothing(request, _("What was shared is too long to keep."))
    fields = form.cleaned_data
    files = [f for f in request.FILES.getlist("image") if f.size]
    if not files:
        try:
            link = services.shared_link(**fields)
        except services.NothingShared as nothing:
            return _nothing(request, str(nothing))
        if not request.user.is_authenticated:
            return redirect_to_login(link.form_url())
        return redirect(link.form_url())
    user = request.user if request.user.is_authenticated else None
    try:
        hit("share", f"u{user.pk}" if user else f"c{client_key(request)}")
        photo = services.stage_photo(user=user, file=files[0], **fields)
    except RateLimited as refusal:
        return rate_limited_response(request, refusal)
    except ImageError as error:
        reason = {"reason": error.message}
        return _nothing(request, _("That photo cannot be bookmarked: %(reason)s.") % reason)
    confirm = reverse("shares:confirm", args=[photo.token])
    if user is None:
        request.session[SESSION_KEY] = [*request.session.get(SESSION_KEY, [])[-9:], photo.token]
        return redirect_to_login(confirm)
    return redirect(confirm)


def _nothing(request, message: str):
    return render(request, "shares/nothing.html", {"message": message}, status=400)


def _photo_or_404(request, token: str) -> SharedPhoto:
    try:
        return services.staged_photo(
            user=request.user, token=token, session_tokens=request.session.get(SESSION_KEY, [])
        )
    except SharedPhoto.DoesNotExist:
        raise Http404("No such shared photo (it is kept for an hour).") from None


@never_cache
@login_required
def confirm(request, token: str):
    photo = _photo_or_404(request, token)
    if request.method != "POST":
        initial = {"title": photo.title, "description": photo.description}
        return _confirm_page(request, photo, ConfirmPhotoForm(initial=initial))
    form = ConfirmPhotoForm(request.POST)
    if not form.is_valid():
        return _confirm_page(request, photo, form, status=400)
    key = str(request.user.pk)
    try:  # the bookmark form's limits: one at a time, so many an hour
        with one_at_a_time("bookmark", key, ttl=60, message=BUSY):
            hit("bookmark", key)
            image = services.save_shared_photo(user=request.user, photo=photo, **form.cleaned_data)
    except (RateLimited, Busy) as refusal:
        return rate_limited_response(request, refusal)
    except AlreadyBookmarked as already:
        return redirect(already.image)
    except ImageError as error:
        form.add_error(None, error.message)
        return _confirm_page(request, photo, form, status=400)
    except StoreError as error:
        form.add_error(None, str(error))
        return _confirm_page(request, photo, form, status=503)
    hooks.image_bookmarked.send(sender=Image, request=request, image=image)
    messages.success(request, _("Image bookmarked."))
    return redirect(image)


def _confirm_page(request, photo, form, status=200):
    context = {"section": "add", "photo": photo, "form": form}
    return render(request, "shares/confirm.html", context, status=status)


@login_required
@require_safe
def photo(request, token: str):
    """The staged photo itself, for the confirmation page's preview (its person only)."""
    staged = _photo_or_404(request, token)
    response = HttpResponse(bytes(staged.content), content_type=staged.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = MEDIA_CSP
    response["Cache-Control"] = "private, no-store"
    return response
