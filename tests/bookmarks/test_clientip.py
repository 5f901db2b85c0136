import pytest
from django.test import RequestFactory

from bookmarks.clientip import TrustedProxyMiddleware, address_key, resolve_client_ip


@pytest.fixture
def proxies(settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    return settings


def test_without_trusted_proxies_forwarded_for_is_ignored(settings):
    settings.TRUSTED_PROXIES = []
    assert resolve_client_ip("198.51.100.9", "203.0.113.5") == "198.51.100.9"


def test_a_trusted_proxy_passes_on_the_client_address(proxies):
    assert resolve_client_ip("127.0.0.1", "203.0.113.5") == "203.0.113.5"


def test_a_forged_left_part_of_the_chain_is_not_believed(proxies):
    # The client wrote "1.2.3.4"; our proxies appended the real address and their own.
    assert resolve_client_ip("127.0.0.1", "1.2.3.4, 203.0.113.5, 10.1.2.3") == "203.0.113.5"


def test_an_untrusted_peer_cannot_claim_another_address(proxies):
    assert resolve_client_ip("198.51.100.9", "203.0.113.5") == "198.51.100.9"


def test_garbage_in_the_chain_stops_the_walk(proxies):
    assert resolve_client_ip("127.0.0.1", "203.0.113.5, not-an-ip") == "127.0.0.1"


def test_ipv6_addresses_of_one_64_share_a_key():
    assert address_key("2001:db8:1:2::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:2::1") != address_key("2001:db8:1:3::1")
    assert address_key("::ffff:203.0.113.5") == "203.0.113.5"
    assert address_key("203.0.113.5") == "203.0.113.5"


def test_middleware_rewrites_remote_addr_behind_a_trusted_proxy(proxies):
    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]

    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="2001:db8::7")
    TrustedProxyMiddleware(view)(request)
    assert seen["addr"] == "2001:db8::7"
