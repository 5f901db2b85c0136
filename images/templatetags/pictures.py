"""Per-row pictures drawn in Python: an {% include %} per row costs a template context, a
`{% with %}` and a dozen variable lookups, the slowest thing a page did (bench/results.md)."""

from django import template
from django.core.files.storage import default_storage
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from images.reasons import translated_reason

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


# How wide a picture is drawn, for the browser to pick from srcset before it lays the page out.
SIZES = {
    # The masonry grid: 2 columns on phones, 3–4 on tablets, 5–6 on wide screens.
    "list": "(max-width: 640px) 50vw, (max-width: 1100px) 33vw, 240px",
    "detail": "(max-width: 800px) 100vw, 760px",
}
EAGER_TILES = 6  # the first row of the first page is above the fold: not lazy


def placeholder_class(colour: str) -> str:
    """The CSS class of the dominant-colour placeholder (64 shades in site.css, `ph-RGB` with
    each of R, G, B in 0–3): the page's CSP forbids inline styles."""
    try:
        red, green, blue = (int(colour[i : i + 2], 16) // 64 for i in (1, 3, 5))
    except (TypeError, ValueError, IndexError):
        return "ph-none"
    return f"ph-{red}{green}{blue}"


def _srcset(entries) -> str:
    return ", ".join(f"{default_storage.url(e['name'])} {e['width']}w" for e in entries)


@register.simple_tag
def picture(image, kind: str = "list", index: int = 0, page: int = 1, css: str = ""):
    """Every grid and detail <img> of an image: its WebP (and AVIF) derivatives in
    `srcset`/`sizes`, `width`/`height` (no layout shift), its dominant colour behind it while
    it loads, and `loading="lazy"` unless it is in the first row of the first page (or the
    detail picture). A row saved before derivatives existed shows its thumbnail."""
    eager = kind == "detail" or (page == 1 and index < EAGER_TILES)
    if kind == "detail":
        loading = mark_safe(' fetchpriority="high"')
    else:
        loading = mark_safe("" if eager else ' loading="lazy"')
    classes = " ".join(filter(None, [css, "pic", placeholder_class(image.colour)]))
    derivatives = image.derivatives or {}
    webp = derivatives.get("webp")
    if webp and image.width and image.height:
        fallback = next((e for e in webp if e["width"] >= 640), webp[-1])
        img = format_html(
            '<img class="{}" src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
            'decoding="async"{}>',
            classes,
            default_storage.url(fallback["name"]),
            _srcset(webp),
            SIZES[kind],
            image.width,
            image.height,
            image.alt,
            loading,
        )
        avif = derivatives.get("avif")
        if not avif:
            return img
        return format_html(
            '<picture><source type="image/avif" srcset="{}" sizes="{}">{}</picture>',
            _srcset(avif),
            SIZES[kind],
            img,
        )
    thumb = image.detail_thumbnail if kind == "detail" else image.list_thumbnail
    width, height = thumb.width or image.width, thumb.height or image.height
    size = format_html(' width="{}" height="{}"', width, height) if width and height else ""
    return format_html(
        '<img class="{} pic-old" src="{}"{} alt="{}"{}>',
        classes,
        thumb.url,
        size,
        image.alt,
        loading,
    )


@register.filter
def failure_reason(text: str) -> str:
    """A failed bookmark's stored reason (English), in the page's language."""
    return translated_reason(text)
