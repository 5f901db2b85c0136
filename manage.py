#!/usr/bin/env python
import os
import sys
from pathlib import Path


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bookmarks.settings")
    # The checkout's local-development file (written by `make run`); see bookmarks/settings.py.
    os.environ.setdefault("DOTENV_FILE", str(Path(__file__).resolve().parent / ".env"))
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
