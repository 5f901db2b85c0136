from django.apps import AppConfig
from django.db.models.signals import post_delete, pre_delete


class NotificationsConfig(AppConfig):
    name = "notifications"

    def ready(self):
        from bookmarks.social import happened
        from images.models import Image

        from . import signals
        from .services import on_happened

        happened.connect(on_happened, dispatch_uid="notifications.on_happened")
        pre_delete.connect(
            signals.image_deleting, sender=Image, dispatch_uid="notifications_image_deleting"
        )
        post_delete.connect(
            signals.image_deleted, sender=Image, dispatch_uid="notifications_image_deleted"
        )
