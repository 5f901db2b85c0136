from django.contrib import admin

from .models import Image


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    list_display = ["title", "user", "total_likes", "created"]
    list_filter = ["created"]
    list_select_related = ["user"]
    search_fields = ["title", "description", "url", "user__username"]
    raw_id_fields = ["user", "users_like"]
    readonly_fields = ["total_likes", "thumbnails"]
    date_hierarchy = "created"
