from django.apps import AppConfig
from django.db.models.signals import post_delete, pre_delete


class BoardsConfig(AppConfig):
    name = "boards"

    def ready(self):
        from images.hooks import image_bookmarked
        from images.models import Image

        from . import signals
        from .models import Board

        pre_delete.connect(
            signals.image_deleting, sender=Image, dispatch_uid="boards_image_deleting"
        )
        post_delete.connect(
            signals.image_deleted, sender=Image, dispatch_uid="boards_image_deleted"
        )
        post_delete.connect(signals.board_deleted, sender=Board, dispatch_uid="boards_deleted")
        image_bookmarked.connect(signals.image_bookmarked, dispatch_uid="boards_image_bookmarked")
