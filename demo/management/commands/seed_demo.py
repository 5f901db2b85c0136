import sys

from django.core.management.base import BaseCommand, CommandError

from demo.progress import Progress
from demo.reset import delete_demo_data
from demo.seeding import DemoDataExists, DemoSizeError, Sizes, seed_demo, seed_views


class Command(BaseCommand):
    help = (
        "Fill the database with demo users (with avatars), pictures, likes, follows and "
        "activity. Refuses when demo users exist, unless --reset deletes them first; --delete "
        "only deletes them, --views-only only gives the existing demo images views in Redis."
    )

    def add_arguments(self, parser):
        parser.add_argument("--users", type=int, default=50, help="demo users (default 50)")
        parser.add_argument("--images", type=int, default=300, help="images (default 300)")
        parser.add_argument("--actions", type=int, default=2000, help="actions (default 2000)")
        parser.add_argument(
            "--likes", type=int, help="like rows (default: enough events for --actions)"
        )
        parser.add_argument("--follows", type=int, help="follows (default: ~15 per user)")
        parser.add_argument(
            "--pictures", type=int, default=60, help="distinct pictures drawn (default 60)"
        )
        parser.add_argument(
            "--avatars", type=int, default=24, help="distinct avatars drawn (default 24)"
        )
        parser.add_argument("--views", type=int, help="images given views in Redis (default 500)")
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument("--reset", action="store_true", help="delete existing demo data first")
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")
        parser.add_argument(
            "--delete", action="store_true", help="delete the demo data, seed nothing"
        )
        parser.add_argument(
            "--views-only",
            action="store_true",
            help="only give the existing demo images views in Redis again",
        )

    def handle(self, *args, **options):
        if options["delete"]:
            deleted = delete_demo_data()
            self.stdout.write(f"Deleted {deleted:,} demo users and everything they made.")
            return
        if options["views_only"]:
            count = seed_views(count=500 if options["views"] is None else options["views"])
            self.stdout.write(f"Gave {count:,} demo images views.")
            return
        try:
            sizes = Sizes.derive(
                **{
                    key: options[key]
                    for key in ("users", "images", "actions", "likes", "follows", "views")
                },
                pictures=options["pictures"],
                avatars=options["avatars"],
            )
        except DemoSizeError as error:
            raise CommandError(str(error)) from None
        if options["reset"]:
            deleted = delete_demo_data()
            self.stdout.write(f"Deleted {deleted:,} demo users and everything they made.")
        # The raw stream, not self.stderr: that one adds a newline (and colour) to each write.
        stream = options.get("stderr") or sys.stderr
        progress = Progress(stream, enabled=not options["no_progress"])
        try:
            report = seed_demo(sizes, seed=options["seed"], progress=progress)
        except DemoDataExists as exists:
            raise CommandError(
                f"{exists.users:,} demo users exist already: nothing was added. "
                "Run with --reset to delete the demo data and seed it again."
            ) from None
        except DemoSizeError as error:
            raise CommandError(str(error)) from None
        s = report.sizes
        self.stdout.write(
            self.style.SUCCESS(
                f"Seeded {s.users:,} users, {s.images:,} images ({s.pictures} distinct pictures), "
                f"{s.likes:,} likes, {s.follows:,} follows and {s.actions:,} actions "
                f"in {report.seconds:.1f}s."
            )
        )
        self.stdout.write(f"Log in as {report.username} with password {report.password}")
