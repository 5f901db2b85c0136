from django.contrib import admin

from .models import Action


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["user", "verb", "target_ct", "target_id", "created"]
    list_filter = ["verb", "created"]
    list_select_related = ["user", "target_ct"]
    search_fields = ["verb", "user__username"]
    raw_id_fields = ["user"]
