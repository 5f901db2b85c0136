import json

from django.core.management.base import BaseCommand

from actions.models import Action
from demo.people import demo_users
from images.models import Image


class Command(BaseCommand):
    help = (
        "Print, as one line of JSON, how many demo users, images and actions the database holds "
        "and the most liked image's URL (make bench reads it)."
    )

    def handle(self, *args, **options):
        top = Image.objects.order_by("-total_likes", "id").first()
        status = {
            "users": demo_users().count(),
            "images": Image.objects.count(),
            "actions": Action.objects.count(),
            "most_liked_url": top.get_absolute_url() if top else None,
        }
        self.stdout.write(json.dumps(status))
