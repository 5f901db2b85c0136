"""`{% image_comments image %}`: the comments block of an image page. A tag rather than view
context so the images app need not know the comments app (imports run comments -> images)."""

from django import template

from comments.models import MAX_LENGTH
from comments.selectors import comments_for

register = template.Library()


@register.inclusion_tag("comments/_comments.html", takes_context=True)
def image_comments(context, image):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "image": image,
        "comments": comments_for(image, request.user),
        "max_length": MAX_LENGTH,
    }
