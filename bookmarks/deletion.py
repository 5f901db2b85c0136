"""Bookkeeping for deleted rows done once per delete() call, not once per row.

Django's delete() (of one object or a queryset, and whatever it cascades to) sends `pre_delete`
for every row it is about to remove, deletes them, then sends `post_delete` for every row. A
receiver that cleaned up per row would cost a query (or a file check, or a Redis round trip)
per row: an admin bulk delete of users, or one user with a thousand images, would be thousands
of queries. Instead, receivers put each row in the batch of its delete() call (`pre_delete`),
and the batch does the work once for all of them: in the transaction when the first
`post_delete` arrives (every row of the call is gone by then), and after the commit (files,
Redis), so a rolled-back delete keeps everything.

The batch lives on the call's `origin` (the object or queryset delete() was called on). A row
seen twice means a new call on the same origin (a retry after a rollback): it starts a new batch.
"""

from collections.abc import Callable
from typing import Any

from django.db import transaction

_BATCHES = "_deletion_batches"


class DeletionBatch:
    """The rows of one model one delete() call removes. Subclasses say what to do with them."""

    def __init__(self) -> None:
        self.pks: set[Any] = set()
        self.closed = False

    def add(self, instance) -> None:
        self.pks.add(instance.pk)

    def in_transaction(self) -> None:
        """Once every row of the call is deleted, before the commit."""

    def after_commit(self) -> None:
        """Once the deletion is committed."""


def batch_for(name: str, instance, origin, factory: Callable[[], DeletionBatch]) -> DeletionBatch:
    """The open batch `name` of the delete() call removing `instance` (from pre_delete), made by
    `factory` if there is none yet; `instance` is added to it."""
    holder = origin if origin is not None else instance
    batches = holder.__dict__.setdefault(_BATCHES, {})
    batch = batches.get(name)
    if batch is None or batch.closed or instance.pk in batch.pks:
        batch = batches[name] = factory()
        transaction.on_commit(batch.after_commit)
    batch.add(instance)
    return batch


def close_batch(name: str, instance, origin) -> None:
    """From post_delete: the first call closes the batch and does its work in the transaction."""
    holder = origin if origin is not None else instance
    batch = holder.__dict__.get(_BATCHES, {}).get(name)
    if batch is not None and not batch.closed:
        batch.closed = True
        batch.in_transaction()


# --- stored files that rows share --------------------------------------------------------------
# A stored file may be shown by several rows (two people who saved the same bytes share one
# content-addressed original, see images.files; demo rows share their pictures). Before a file
# goes, every field that can name one is asked whether a row still does: the one answer to
# "is this name still referenced", for every deletion and rename path.

_FILE_REFERENCES: list[tuple[str, str]] = []  # ("app_label.Model", field name)


def register_file_reference(model_label: str, field_name: str) -> None:
    """Declare that `model_label`'s `field_name` (a FileField) names stored files (from an
    AppConfig.ready())."""
    if (model_label, field_name) not in _FILE_REFERENCES:
        _FILE_REFERENCES.append((model_label, field_name))


def names_in_use(names) -> set[str]:
    """Which of these stored names some row still references (one query per registered field,
    whatever the number of names)."""
    from django.apps import apps

    wanted = {name for name in names if name}
    used: set[str] = set()
    for label, field in _FILE_REFERENCES:
        if not wanted - used:
            break
        model = apps.get_model(label)
        lookup = {f"{field}__in": sorted(wanted - used)}
        used.update(model._default_manager.filter(**lookup).values_list(field, flat=True))
    return used


def delete_unused_pictures(pictures) -> None:
    """Remove each (name, files drawn from it) whose name no row references any more: the
    original and every thumbnail or derivative named with it. For after the commit."""
    from bookmarks.thumbnails import delete_pictures

    pictures = [(name, derived) for name, derived in pictures if name]
    if not pictures:
        return
    used = names_in_use(name for name, _ in pictures)
    delete_pictures([(name, derived) for name, derived in pictures if name not in used])
