from django.http import Http404
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy

from bookmarks.http import post_endpoint
from bookmarks.ratelimit import hit

from . import selectors, services
from .forms import CommentEditForm, CommentForm, NoFields
from .models import Comment

TOO_FAST = gettext_lazy("You are commenting very fast. Please wait a minute, then try again.")


def _visible_image(image_id, user):
    try:
        return selectors.visible_image(image_id, user)
    except selectors.NotVisible:
        raise Http404("No such image.") from None


def _item_html(request, comment):
    view = selectors.CommentView(
        comment=comment,
        html=selectors.text.render(
            comment.body, selectors.people_named(selectors.text.mentioned_names(comment.body))
        ),
        can_edit=True,
        can_delete=True,
    )
    return render_to_string("comments/_comment.html", {"item": view}, request=request)


@post_endpoint(CommentForm)
def comment_create(request, data):
    image = _visible_image(data["image"], request.user)
    hit("comment", str(request.user.pk), message=TOO_FAST)
    comment = services.add_comment(author=request.user, image=image, body=data["body"])
    return {"id": comment.pk, "html": _item_html(request, comment)}


@post_endpoint(CommentEditForm)
def comment_edit(request, data, id):
    try:
        comment = services.comment_for_author(id, request.user)
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None
    hit("comment", str(request.user.pk), message=TOO_FAST)
    comment = services.edit_comment(comment=comment, body=data["body"])
    return {"id": comment.pk, "html": _item_html(request, comment)}


@post_endpoint(NoFields)
def comment_delete(request, data, id):
    try:
        comment = services.comment_for_deleter(id, request.user)
    except Comment.DoesNotExist:
        raise Http404("No such comment.") from None
    services.delete_comment(comment=comment)
    return {"id": id}


def comment_earlier(request):
    """Comments before `before` on `image`: the items alone for the page's script, or a page
    of their own for a browser without JavaScript."""
    try:
        image_id, before = int(request.GET["image"]), int(request.GET["before"])
    except (KeyError, ValueError):
        raise Http404("No such comments.") from None
    image = _visible_image(image_id, request.user)
    window = selectors.comments_for(image, request.user, before=before)
    context = {"image": image, "comments": window}
    if request.headers.get("x-requested-with") == "XMLHttpRequest":
        return render(request, "comments/_comment_list_items.html", context)
    return render(request, "comments/earlier.html", context)
