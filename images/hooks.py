"""Where other apps join images' own flows without images importing them (the import
direction is actions ← images ← boards/account)."""

from django.dispatch import Signal

# Sent by the bookmark form's view once an image is bookmarked, with `request` and `image`:
# the boards app puts it on the board chosen on the same form (see boards.signals).
image_bookmarked = Signal()
