from django.contrib import admin

from .models import Board, BoardEntry


@admin.register(Board)
class BoardAdmin(admin.ModelAdmin):
    list_display = ["name", "owner", "visibility", "updated"]
    list_select_related = ["owner"]
    search_fields = ["name", "owner__username"]
    raw_id_fields = ["owner", "cover"]


@admin.register(BoardEntry)
class BoardEntryAdmin(admin.ModelAdmin):
    list_display = ["board", "image", "position", "added"]
    raw_id_fields = ["board", "image"]
