from images import reasons
from images.fetch import Messages

GERMAN = {
    "The server answered %(status)s": "Der Server antwortete mit %(status)s",
    "Too many redirects": "Zu viele Weiterleitungen",
}


def test_a_stored_reason_is_translated_with_its_values(monkeypatch):
    monkeypatch.setattr(reasons, "gettext", lambda text: GERMAN.get(text, text))
    stored = Messages.HTTP_STATUS % {"status": 404}

    assert reasons.translated_reason(stored) == "Der Server antwortete mit 404"
    assert reasons.translated_reason(Messages.TOO_MANY_REDIRECTS) == "Zu viele Weiterleitungen"


def test_a_reason_the_catalogue_does_not_know_is_shown_as_stored():
    assert reasons.translated_reason("The server answered 503") == "The server answered 503"
    assert reasons.translated_reason("Something else") == "Something else"
