from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from bookmarks import ratelimit
from bookmarks.http import post_endpoint, rate_limited_response
from bookmarks.imaging import ImageError
from bookmarks.paging import past_the_end
from bookmarks.ratelimit import Busy, RateLimited, hit, one_at_a_time

from . import ranking, selectors
from .fetch import FetchError
from .forms import ImageCreateForm, LikeForm
from .models import Image
from .services import (
    AlreadyBookmarked,
    StoreError,
    bookmark_image,
    existing_bookmark,
    like_image,
)

BUSY_BOOKMARKING = "Your previous image is still being saved. Try again in a moment."


@login_required
def image_create(request):
    if request.method != "POST":
        initial = {k: request.GET.get(k, "")[:2000] for k in ("url", "title")}
        initial["page_url"] = request.GET.get("page", "")[:2000]  # the bookmarklet sends `page`
        form = ImageCreateForm(initial=initial)
        existing = existing_bookmark(user=request.user, url=form.initial["url"])
        if existing:
            messages.info(request, "You had already bookmarked this image.")
            return redirect(existing)
        return _create_page(request, form)
    key = str(request.user.pk)
    try:  # one bookmark at a time per person (each may fetch and decode), and only so many
        with one_at_a_time("bookmark", key, ttl=60, message=BUSY_BOOKMARKING):
            hit("bookmark", key)
            return _bookmark(request, ImageCreateForm(request.POST, request.FILES))
    except (RateLimited, Busy) as refusal:
        return rate_limited_response(request, refusal)


def _bookmark(request, form):
    if not form.is_valid():
        return _create_page(request, form, status=400)
    data = form.cleaned_data
    try:
        image = bookmark_image(
            user=request.user,
            title=data["title"],
            url=data["url"],
            upload=data["image"],
            description=data["description"],
            page_url=data["page_url"],
        )
    except AlreadyBookmarked as already:
        messages.info(request, "You had already bookmarked this image.")
        return redirect(already.image)
    except (FetchError, ImageError) as error:
        form.add_error("image" if data["image"] else "url", error.message)
        return _create_page(request, form, status=400)
    except StoreError as error:
        form.add_error(None, str(error))
        return _create_page(request, form, status=503)
    messages.success(request, "Image bookmarked.")
    return redirect(image)


def _create_page(request, form, status=200):
    context = {"section": "images", "form": form}
    return render(request, "images/image/create.html", context, status=status)


def image_detail(request, id, slug):
    try:
        image = selectors.image_detail(id)
    except Image.DoesNotExist:
        raise Http404("No such image.") from None
    if slug != image.slug:
        return redirect(image, permanent=True)
    viewer, liked = selectors.viewer_as_liker(image, request.user)
    context = {
        "section": "images",
        "image": image,
        "likers": selectors.likers_of(image),
        "liked": liked,
        "viewer": viewer,  # with their profile: their avatar joins the likers when they like
        "total_views": ranking.record_view(request, image.id),
    }
    return render(request, "images/image/detail.html", context)


@post_endpoint(LikeForm)
def image_like(request, data):
    ratelimit.hit("like", str(request.user.pk))  # likes and unlikes alike; a 429 past the limit
    likes = like_image(user=request.user, image_id=data["id"].pk, like=data["action"] == "like")
    return {"likes": likes}


def image_list(request):
    page = selectors.image_page(request.GET.get("page", 1))
    if page is None:
        return past_the_end(request, fragment=bool(request.GET.get("images_only")))
    if request.GET.get("images_only"):
        return render(request, "shared/_image_grid_items.html", {"page": page})
    return render(request, "images/image/list.html", {"section": "images", "page": page})


RANKING_CACHE_SECONDS = 30


def image_ranking(request):
    period = request.GET.get("period", "all")
    if period not in ranking.PERIODS:
        period = "all"
    context = {"section": "images", "period": period, "periods": ranking.PERIODS}
    key = ranking.ranking_cache_key(period)
    context["ranking_html"] = cache.get(key)
    if context["ranking_html"] is None:
        top = ranking.top_images(period, limit=10)
        entries = selectors.ranked_images(top or [])
        context["ranking_entries"] = entries
        html = render_to_string(
            "images/image/_ranking_list.html", {"entries": entries, "unavailable": top is None}
        )
        if top is not None:
            cache.set(key, html, RANKING_CACHE_SECONDS)
        context["ranking_html"] = html
    return render(request, "images/image/ranking.html", context)


@login_required
def image_pick(request):
    """The picker window the bookmarklet opens on pages that forbid our script (strict CSP):
    the launcher posts the page's candidate images to it (see static/js/pick.js)."""
    response = render(request, "images/image/pick.html", {"section": "images"})
    # The launcher keeps a handle on this window to post to it; Django's default
    # Cross-Origin-Opener-Policy (same-origin) would sever it. tests/e2e cover this.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response
