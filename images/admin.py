from django.contrib import admin
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["thumbnail", "title", "user", "total_likes", "created"]
    list_display_links = ["thumbnail", "title"]
    list_filter = ["created"]
    list_select_related = ["user"]
    search_fields = ["title", "description", "url", "page_url", "user__username"]
    raw_id_fields = ["user", "users_like"]
    readonly_fields = ["preview", "total_likes", "thumbnails"]
    date_hierarchy = "created"

    @admin.display(description=_("Image"))
    def thumbnail(self, image: Image):
        # The stored list thumbnail (no image work per row). No style attribute: our CSP.
        return format_html(
            '<img src="{}" alt="" width="64">',
            image.list_thumbnail.url,
        )

    @admin.display(description=_("Preview"))
    def preview(self, image: Image):
        if not image.image:
            return "-"
        return format_html('<img src="{}" alt="" width="320">', image.detail_thumbnail.url)
