import json

from django.core.management.base import BaseCommand
from django.db.models import Count
from taggit.models import Tag

from actions.models import Action
from boards.models import Board
from demo.people import demo_users
from images.models import Image


class Command(BaseCommand):
    help = (
        "Print, as one line of JSON, how many demo users, images and actions the database holds, "
        "the most liked image's URL, demo0001's first board and the most used tag "
        "(make bench reads it)."
    )

    def handle(self, *args, **options):
        top = Image.objects.order_by("-total_likes", "id").first()
        board = Board.objects.filter(owner__username="demo0001").order_by("id").first()
        tag = Tag.objects.annotate(n=Count("images_taggedimage_items")).order_by("-n").first()
        status = {
            "users": demo_users().count(),
            "images": Image.objects.count(),
            "actions": Action.objects.count(),
            "most_liked_url": top.get_absolute_url() if top else None,
            "first_board_url": board.get_absolute_url() if board else None,
            "top_tag": tag.name if tag else None,
        }
        self.stdout.write(json.dumps(status))
