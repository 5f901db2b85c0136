from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string

from bookmarks.http import post_endpoint

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


@login_required
def image_create(request):
    if request.method == "POST":
        form = ImageCreateForm(request.POST)
    else:
        form = ImageCreateForm(initial={k: request.GET.get(k, "")[:2000] for k in ("url", "title")})
    if request.method == "POST" and form.is_valid():
        try:
            image = bookmark_image(user=request.user, **form.cleaned_data)
        except AlreadyBookmarked as already:
            messages.info(request, "You had already bookmarked this image.")
            return redirect(already.image)
        except FetchError as error:
            form.add_error("url", str(error))
        except StoreError as error:
            form.add_error(None, str(error))
            context = {"section": "images", "form": form}
            return render(request, "images/image/create.html", context, status=503)
        else:
            messages.success(request, "Image bookmarked.")
            return redirect(image)
    elif request.method == "GET" and form.initial.get("url"):
        existing = existing_bookmark(user=request.user, url=form.initial["url"])
        if existing:
            messages.info(request, "You had already bookmarked this image.")
            return redirect(existing)
    status = 400 if request.method == "POST" else 200  # the form was refused
    context = {"section": "images", "form": form}
    return render(request, "images/image/create.html", context, status=status)


def image_detail(request, id, slug):
    try:
        image = selectors.image_detail(id, viewer=request.user)
    except Image.DoesNotExist:
        raise Http404("No such image.") from None
    if slug != image.slug:
        return redirect(image, permanent=True)
    context = {
        "section": "images",
        "image": image,
        "likers": selectors.likers_of(image),
        "liked": image.liked,
        "total_views": ranking.record_view(request, image.id),
    }
    return render(request, "images/image/detail.html", context)


@post_endpoint(LikeForm)
def image_like(request, data):
    likes = like_image(user=request.user, image_id=data["id"], like=data["action"] == "like")
    return {"likes": likes}


def image_list(request):
    page = selectors.image_page(request.GET.get("page", 1))
    if request.GET.get("images_only"):
        if page is None:
            return HttpResponse("")
        return render(request, "shared/_image_grid_items.html", {"page": page})
    if page is None:
        return redirect(request.path)
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
