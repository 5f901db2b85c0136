"""The "Save to board" widget, drawn on image pages by the images templates.

An inclusion tag rather than context from images' views: images must not import boards
(boards knows images, not the other way), and this way the image page asks boards for the
widget at render time without either app's Python importing the other's.
"""

from django import template

from ..selectors import boards_for_picker

register = template.Library()


@register.inclusion_tag("boards/_save_widget.html", takes_context=True)
def save_to_board(context, image):
    request = context["request"]
    user = request.user
    boards = boards_for_picker(user, image.pk) if user.is_authenticated else []
    return {
        "request": request,
        "image": image,
        "boards": boards,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("boards/_bookmark_fields.html", takes_context=True)
def board_fields(context):
    """The bookmark form's "Save to a board" fields: one of your boards, or a new one."""
    user = context["request"].user
    boards = boards_for_picker(user, 0) if user.is_authenticated else []
    data = context["request"].POST
    return {
        "request": context["request"],
        "boards": boards,
        "chosen": data.get("board", ""),
        "new_name": data.get("new_board", ""),
    }
