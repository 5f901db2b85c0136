import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST
from django.views.i18n import JavaScriptCatalog

from bookmarks import ratelimit
from bookmarks.clientip import client_key
from bookmarks.http import json_error, post_endpoint, rate_limited_response
from bookmarks.imaging import ImageError
from bookmarks.paging import past_the_end
from bookmarks.ratelimit import Busy, RateLimited, hit, one_at_a_time

from . import bookmarklet, hooks, ranking, selectors, viewers
from .dedupe import similar_images
from .editing import delete_image, owned_image_or_404, private_by_default, update_image
from .fetch import FetchError
from .forms import ImageCreateForm, ImageEditForm, LikeForm, OwnImageForm, ViewerForm
from .models import Image
from .reasons import translated_reason
from .services import (
    AlreadyBookmarked,
    StoreError,
    bookmark_image,
    discard_similar,
    existing_bookmark,
    keep_similar,
    like_image,
    owned_image,
    queue_bookmark,
    remove_bookmark,
    retry_bookmark,
)
from .tags import normalise_tag

# In English for the API too (api/endpoints/images.py); the pages translate them.
BUSY_BOOKMARKING = gettext_noop("Your previous image is still being saved. Try again in a moment.")
ALREADY_SAVED_HERE = gettext_noop("You saved this already — here it is.")


@login_required
def image_create(request):
    if request.method != "POST":
        initial = {k: request.GET.get(k, "")[:2000] for k in ("url", "title")}
        initial["alt_text"] = request.GET.get("alt", "")[:300]  # the bookmarklet sends `alt`
        initial["page_url"] = request.GET.get("page", "")[:2000]  # the bookmarklet sends `page`
        initial["private"] = private_by_default(request.user)
        form = ImageCreateForm(initial=initial)
        existing = existing_bookmark(user=request.user, url=form.initial["url"])
        if existing:
            messages.info(request, _(ALREADY_SAVED_HERE))
            return redirect(existing)
        return _create_page(request, form)
    key = str(request.user.pk)
    # One request at a time per person (an upload is decoded here), so many an hour, and at most
    # BOOKMARKS_IN_FLIGHT downloads queued or running per person (queue_bookmark).
    try:
        with one_at_a_time("bookmark", key, ttl=60, message=_(BUSY_BOOKMARKING)):
            hit("bookmark", key)
            return _bookmark(request, ImageCreateForm(request.POST, request.FILES))
    except (RateLimited, Busy) as refusal:
        return rate_limited_response(request, refusal)


def _bookmark(request, form):
    if not form.is_valid():
        return _create_page(request, form, status=400)
    data = form.cleaned_data
    try:
        if data["image"]:  # an upload: checked already, thumbnails take milliseconds
            image = bookmark_image(
                user=request.user,
                title=data["title"],
                upload=data["image"],
                description=data["description"],
                alt_text=data["alt_text"],
                page_url=data["page_url"],
                private=data["private"],
            )
        else:  # a download may take long: a job does it
            image = queue_bookmark(
                user=request.user,
                title=data["title"],
                url=data["url"],
                description=data["description"],
                alt_text=data["alt_text"],
                page_url=data["page_url"],
                private=data["private"],
            )
    except AlreadyBookmarked as already:
        messages.info(request, _(ALREADY_SAVED_HERE))
        return redirect(already.image)
    except (FetchError, ImageError) as error:
        form.add_error("image" if data["image"] else "url", translated_reason(error.message))
        return _create_page(request, form, status=400)
    except StoreError as error:
        form.add_error(None, str(error))
        return _create_page(request, form, status=503)
    hooks.image_bookmarked.send(sender=Image, request=request, image=image)
    image.refresh_from_db(fields=["status"])  # a job without Redis may be done already
    if image.is_ready:
        messages.success(request, _("Image bookmarked."))
    return redirect(image)


def _create_page(request, form, status=200):
    context = {"section": "images", "form": form}
    return render(request, "images/image/create.html", context, status=status)


def image_detail(request, id, slug):
    try:
        image = selectors.image_detail(id, viewer=request.user)
    except Image.DoesNotExist:
        raise Http404("No such image.") from None
    if slug != image.slug:
        return redirect(image, permanent=True)
    if not image.is_ready:  # its owner's Saving / failed / look-alike card
        context = {"section": "images", "image": image, "kind": "detail"}
        return render(request, "images/image/saving.html", context)
    viewer = selectors.viewer_as_liker(image, request.user)[0]
    context = {
        "section": "images",
        "image": image,
        "likers": selectors.likers_of(image),
        "liked": image.liked,
        "tags": selectors.tags_of(image),
        "viewer": viewer,  # with their profile: their avatar joins the likers when they like
        "total_views": ranking.record_view(request, image.id, ranked=not image.private),
        "similar": similar_images(image, viewer=request.user),
    }
    return render(request, "images/image/detail.html", context)


@post_endpoint(LikeForm)
def image_like(request, data):
    ratelimit.hit("like", str(request.user.pk))  # likes and unlikes alike; a 429 past the limit
    likes = like_image(user=request.user, image_id=data["id"].pk, like=data["action"] == "like")
    return {"likes": likes}


@require_POST
def image_viewers(request):
    """A heartbeat of an open image page: {"viewers": n}, the people looking at it now."""
    form = ViewerForm(request.POST)
    if not form.is_valid():
        return json_error(_("No such image."))
    who = f"u{request.user.pk}" if request.user.is_authenticated else f"a{client_key(request)}"
    count = viewers.heartbeat(form.cleaned_data["id"], who)
    return JsonResponse({"status": "ok", "viewers": count})


def image_list(request):
    page = selectors.image_page(request.GET.get("page", 1), viewer=request.user)
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


class BookmarkletStrings(JavaScriptCatalog):
    """static/js/bookmarklet.js's words in the request's language. It runs on other sites'
    pages, where our /jsi18n/ catalogue is not loaded (and `gettext` may be the page's own), so
    it loads this instead: its entries of the djangojs catalogue and the plural rule, set on its
    own global (window.__bookmarksBookmarklet), nothing else on the page. Public, no data."""

    def render_to_response(self, context, **response_kwargs):
        path = finders.find(bookmarklet.SCRIPT)
        source = Path(path).read_text(encoding="utf-8") if path else ""
        catalog = {
            msgid: text
            for msgid, text in context["catalog"].items()
            if json.dumps(msgid, ensure_ascii=False) in source
        }
        # The rule comes from our own catalogue's header, compiled as Django's jsi18n does it.
        plural = context["plural"] or "n != 1"
        code = (
            "(window.__bookmarksBookmarklet || {}).strings = {catalog: "
            + json.dumps(catalog, sort_keys=True)
            + ", plural: function (n) { var v = ("
            + plural
            + '); return typeof v === "boolean" ? (v ? 1 : 0) : v; }};\n'
        )
        return HttpResponse(code, content_type='text/javascript; charset="utf-8"')


bookmarklet_strings = cache_control(public=True, max_age=3600)(BookmarkletStrings.as_view())


@login_required
def image_pick(request):
    """The picker window the bookmarklet opens on pages that forbid our script (strict CSP):
    the launcher posts the page's candidate images to it (see static/js/pick.js)."""
    response = render(request, "images/image/pick.html", {"section": "images"})
    # The launcher keeps a handle on this window to post to it; Django's default
    # Cross-Origin-Opener-Policy (same-origin) would sever it. tests/e2e cover this.
    response["Cross-Origin-Opener-Policy"] = "unsafe-none"
    return response


@login_required
def image_edit(request, id):
    image = owned_image_or_404(request.user, id)
    form = ImageEditForm(request.POST or None, instance=image)
    if request.method == "POST" and form.is_valid():
        update_image(image=image, **form.cleaned_data)
        messages.success(request, _("Image saved."))
        return redirect(image)
    status = 400 if request.method == "POST" else 200  # the form was refused
    context = {"section": "images", "form": form, "image": image}
    return render(request, "images/image/edit.html", context, status=status)


@login_required
def image_delete(request, id):
    image = owned_image_or_404(request.user, id)
    if request.method == "POST":
        delete_image(image=image)
        messages.success(request, _("“%(title)s” was deleted.") % {"title": image.title})
        return redirect(request.user)
    return render(request, "images/image/delete.html", {"section": "images", "image": image})


def image_tag(request, tag):
    try:
        tag = normalise_tag(tag)
    except ValidationError:
        raise Http404("No such tag.") from None
    page = selectors.image_page(request.GET.get("page", 1), tag=tag, viewer=request.user)
    if page is None:
        return past_the_end(request, fragment=bool(request.GET.get("images_only")))
    if request.GET.get("images_only"):
        return render(request, "shared/_image_grid_items.html", {"page": page})
    context = {"section": "images", "page": page, "tag": tag}
    return render(request, "images/image/tag.html", context)


def tag_suggest(request):
    """Up to 10 tags starting with ?q=: the person's own first, then the most used."""
    query = request.GET.get("q", "").strip().lower()[:50]
    names = selectors.suggest_tags(query, user=request.user)
    return JsonResponse(names, safe=False)


def image_status(request, id):
    """Where the owner's bookmark stands, for the Saving card to poll: its status and, once it
    is no longer saving, the HTML that replaces the card."""
    try:
        image = owned_image(user=request.user, image_id=id)
    except Image.DoesNotExist:
        raise Http404("No such image.") from None
    kind = "list" if request.GET.get("kind") == "list" else "detail"
    html = ""
    if image.status != "saving":
        html = render_to_string(
            "images/image/_saving_card.html", {"image": image, "kind": kind}, request=request
        )
    reason = translated_reason(image.failure) if image.failure else ""
    return JsonResponse({"status": image.status, "reason": reason, "html": html})


@post_endpoint(OwnImageForm)
def image_retry(request, data):
    ratelimit.hit("bookmark", str(request.user.pk))
    retry_bookmark(user=request.user, image_id=data["id"].pk)
    return {}


@post_endpoint(OwnImageForm)
def image_remove(request, data):
    remove_bookmark(user=request.user, image_id=data["id"].pk)
    return {}


@post_endpoint(OwnImageForm)
def image_keep(request, data):
    """ "Save anyway" on a held look-alike."""
    keep_similar(user=request.user, image_id=data["id"].pk)
    return {}


@post_endpoint(OwnImageForm)
def image_discard(request, data):
    """ "Go to it": drop the held look-alike (its `next` is the image it looked like)."""
    discard_similar(user=request.user, image_id=data["id"].pk)
    return {}
