from django import template

from images.bookmarklet import launcher_url

register = template.Library()


@register.simple_tag(takes_context=True)
def bookmarklet_launcher(context) -> str:
    """The `javascript:` URL of the "Bookmark it" link (see images/bookmarklet.py)."""
    return launcher_url(context["request"])
