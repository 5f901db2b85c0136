from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, pre_delete, pre_save


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = "Accounts"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from bookmarks.deletion import register_file_reference

        from . import language, signals, theme
        from .models import Profile

        register_file_reference("account.Profile", "photo")

        user = settings.AUTH_USER_MODEL
        pre_delete.connect(signals.user_deleting, sender=user, dispatch_uid="account_user_deleting")
        post_delete.connect(signals.user_deleted, sender=user, dispatch_uid="account_user_deleted")
        user_logged_in.connect(theme.copy_to_session, dispatch_uid="account_theme_to_session")
        user_logged_in.connect(language.copy_to_session, dispatch_uid="account_language_to_session")
        pre_save.connect(
            signals.profile_saving, sender=Profile, dispatch_uid="account_profile_saving"
        )
