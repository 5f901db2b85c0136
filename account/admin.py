from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db.models import Count
from django.template.defaultfilters import truncatechars
from django.utils.translation import gettext_lazy as _

from .models import Contact, Profile, User
from .services import ensure_profile


class ProfileInline(admin.StackedInline):
    model = Profile
    can_delete = False
    extra = 0


# Users, their profiles and follows sit together in the "Accounts" section of the admin, the
# first one on its index (the custom User lives in this app, not under Django's "auth").
@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [ProfileInline]
    list_display = [
        "username",
        "email",
        "email_confirmed",
        "first_name",
        "last_name",
        "image_count",
        "follower_count",
        "is_active",
        "is_staff",
        "date_joined",
        "last_login",
    ]
    list_filter = ["is_active", "is_staff", "is_superuser", "email_confirmed", "date_joined"]
    fieldsets = [
        *BaseUserAdmin.fieldsets,
        (_("E-mail confirmation"), {"fields": ["email_confirmed", "pending_email"]}),
    ]
    readonly_fields = ["pending_email"]
    search_fields = ["username", "email", "first_name", "last_name"]

    def get_queryset(self, request):
        # Counted in the list's one query (distinct: two joins would multiply each other).
        return (
            super()
            .get_queryset(request)
            .annotate(
                images=Count("images_created", distinct=True),
                followers_n=Count("rel_to_set", distinct=True),
            )
        )

    @admin.display(description=_("images"), ordering="images")
    def image_count(self, obj):
        return obj.images

    @admin.display(description=_("followers"), ordering="followers_n")
    def follower_count(self, obj):
        return obj.followers_n

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        ensure_profile(obj)

    def get_inlines(self, request, obj):
        # The profile is created after the user is saved; only edit it once it exists.
        return self.inlines if obj else []


@admin.register(Profile)
class ProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "short_bio", "has_photo", "private_by_default", "date_of_birth"]
    list_filter = ["private_by_default"]
    list_select_related = ["user"]
    search_fields = ["user__username", "user__email", "user__first_name", "user__last_name", "bio"]
    raw_id_fields = ["user"]

    @admin.display(description=_("bio"))
    def short_bio(self, obj):
        return truncatechars(obj.bio, 60)

    @admin.display(description=_("photo"), boolean=True)
    def has_photo(self, obj):
        return bool(obj.photo)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["user_from", "user_to", "created"]
    date_hierarchy = "created"
    list_select_related = ["user_from", "user_to"]
    search_fields = ["user_from__username", "user_to__username"]
    raw_id_fields = ["user_from", "user_to"]
