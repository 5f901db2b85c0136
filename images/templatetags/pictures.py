"""Per-row pictures drawn in Python: an {% include %} per row costs a template context, a
`{% with %}` and a dozen variable lookups, the slowest thing a page did (bench/results.md)."""

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def avatar(person, size: int):
    """A person's avatar at `size` px (32, 36, 44, 48, 72 or 96): their photo's thumbnail, or
    their initial on a coloured disc. `person` should come with its profile selected."""
    profile = getattr(person, "profile", None)  # a user without a profile draws the initial
    picture = profile.avatar if profile is not None else None
    if picture:
        return format_html(
            '<img class="avatar" src="{}" alt="" width="{}" height="{}" loading="lazy">',
            picture.url,
            size,
            size,
        )
    return format_html(
        '<span class="avatar-initial avatar-{}" aria-hidden="true">{}</span>', size, person.initial
    )
