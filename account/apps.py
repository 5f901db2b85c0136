from django.apps import AppConfig
from django.conf import settings
from django.db.models.signals import post_delete, pre_delete, pre_save


class AccountConfig(AppConfig):
    name = "account"
    verbose_name = "Accounts"

    def ready(self):
        from bookmarks.deletion import register_file_reference

        from . import signals
        from .models import Profile

        register_file_reference("account.Profile", "photo")

        user = settings.AUTH_USER_MODEL
        pre_delete.connect(signals.user_deleting, sender=user, dispatch_uid="account_user_deleting")
        post_delete.connect(signals.user_deleted, sender=user, dispatch_uid="account_user_deleted")
        pre_save.connect(
            signals.profile_saving, sender=Profile, dispatch_uid="account_profile_saving"
        )
