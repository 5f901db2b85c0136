from django.core.management.base import BaseCommand

from notifications.digest import send_digests


class Command(BaseCommand):
    help = "Send the daily notification digest to people who asked for it (run once a day)."

    def handle(self, *args, **options):
        sent = send_digests()
        self.stdout.write(f"Sent {sent} digest(s).")
