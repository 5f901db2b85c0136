from django.apps import AppConfig
from django.db.models.signals import m2m_changed, post_delete, pre_delete


class ImagesConfig(AppConfig):
    name = "images"

    def ready(self):
        from bookmarks.deletion import register_file_reference

        from . import signals
        from .models import Image

        register_file_reference("images.Image", "image")

        m2m_changed.connect(
            signals.users_like_changed,
            sender=Image.users_like.through,
            dispatch_uid="images_users_like_changed",
        )
        pre_delete.connect(signals.image_deleting, sender=Image, dispatch_uid="images_deleting")
        post_delete.connect(signals.image_deleted, sender=Image, dispatch_uid="images_deleted")
