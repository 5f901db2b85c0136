"""Why a bookmark failed is stored in English by the job (it knows no language) and shown in
the reader's, values included, from the real catalogues (make test compiles them)."""

from django.utils import translation

from images import reasons
from images.fetch import Messages


def test_a_stored_reason_is_translated_with_its_values():
    stored = Messages.HTTP_STATUS % {"status": 404}
    with translation.override("de"):
        assert reasons.translated_reason(stored) == "Der Server antwortete mit 404"
        assert reasons.translated_reason(Messages.TOO_MANY_REDIRECTS) == "Zu viele Weiterleitungen"
    with translation.override("en"):
        assert reasons.translated_reason(stored) == "The server answered 404"


def test_a_reason_the_catalogue_does_not_know_is_shown_as_stored():
    with translation.override("de"):
        assert reasons.translated_reason("Something else") == "Something else"
