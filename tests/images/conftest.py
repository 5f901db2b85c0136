import pytest
import urllib3.util.connection


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
