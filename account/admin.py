from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from .models import Contact, Profile, User
from .services import ensure_profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = [
        "username",
        "email",
        "email_confirmed",
        "first_name",
        "is_active",
        "date_joined",
    ]
    list_filter = ["is_active", "is_staff", "email_confirmed", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        ("E-mail confirmation", {"fields": ["email_confirmed", "pending_email"]}),
    ]
    readonly_fields = ["pending_email"]
    search_fields = ["username", "email", "first_name", "last_name"]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_profile(obj)

    def get_inlines(self, request, obj):
        # The profile is created after the user is saved; only edit it once it exists.
        return self.inlines if obj else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "date_of_birth", "photo"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email"]
    raw_id_fields = ["user"]


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["user_from", "user_to", "created"]
    list_select_related = ["user_from", "user_to"]
    search_fields = ["user_from__username", "user_to__username"]
    raw_id_fields = ["user_from", "user_to"]
