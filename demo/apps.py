from django.apps import AppConfig
from django.db.models.signals import pre_delete


class DemoConfig(AppConfig):
    """Demo data for development and the benchmark (`seed_demo`): installed only when
    settings.DEMO_APP is on (by default with DEBUG), never part of the product."""

    name = "demo"
    verbose_name = "Demo data"

    def ready(self):
        from images.models import Image

        from .pictures import keep_shared_files

        pre_delete.connect(keep_shared_files, sender=Image, dispatch_uid="demo_keep_shared_files")
