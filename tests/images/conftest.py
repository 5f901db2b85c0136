import pytest
import urllib3.util.connection


@pytest.fixture
def allow_loopback_fetch(settings):
    """Let images.fetch download from the local test server (127.0.0.1/::1 only).

    Every other refused range stays refused. Returns `settings`, so a test can shorten the
    timeouts or limits it exercises.
    """
    settings.IMAGE_FETCH_ALLOW_LOOPBACK = True
    settings.IMAGE_FETCH_CONNECT_TIMEOUT = 2.0
    settings.IMAGE_FETCH_TOTAL_TIMEOUT = 5.0
    return settings


@pytest.fixture
def server_url(httpserver):
    """URLs on the local test server, written with 127.0.0.1 (its url_for says `localhost`)."""

    def url_for(path: str) -> str:
        return f"http://127.0.0.1:{httpserver.port}{path}"

    return url_for


@pytest.fixture
def connect_attempts(monkeypatch):
    """Every (host, port) the HTTP client tried to open a connection to during the test.

    pytest-socket already blocks anything but loopback; this also shows loopback attempts,
    so a test can prove a refused URL never got as far as a connection.
    """
    attempts = []
    real_create_connection = urllib3.util.connection.create_connection

    def recording_create_connection(address, *args, **kwargs):
        attempts.append(address)
        return real_create_connection(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", recording_create_connection)
    return attempts
