"""Login throttling (review item 5): per account and client, a higher per-client ceiling,
IPv6 clients by /64, the client read behind a trusted proxy, successes that forget only their
own account's failures. Real django-axes, real database."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from tests.factories import PASSWORD, make_user

User = get_user_model()
pytestmark = pytest.mark.django_db

LOCKED = 429
REFUSED_PASSWORD = 200  # the form again, with its error
LOGGED_IN = 302


def attempt(username, password, **meta) -> int:
    """One login from a fresh browser (no session carried over)."""
    return (
        Client()
        .post(reverse("login"), {"username": username, "password": password}, **meta)
        .status_code
    )


@pytest.fixture
def mallory(db):
    return make_user("mallory", email="mallory@example.com")


def test_logging_into_ones_own_account_does_not_reset_guesses_at_another(user, mallory, settings):
    settings.LOGIN_CLIENT_FAILURE_LIMIT = 1000  # this is about the per-account count alone
    answers = []
    for _ in range(10):  # 4 guesses, then a login of one's own, again and again: 40 guesses
        answers += [attempt("alice", f"guess-{len(answers)}") for _ in range(4)]
        assert attempt("mallory", PASSWORD) == LOGGED_IN
    assert answers[:4] == [REFUSED_PASSWORD] * 4
    assert set(answers[4:]) == {LOCKED}  # the 5th guess on alice and every one after it
    assert attempt("alice", PASSWORD) == LOCKED


def test_a_success_forgets_that_accounts_failures_from_that_client_only(user):
    attacker = {"REMOTE_ADDR": "198.51.100.66"}
    assert [attempt("alice", "bad", **attacker) for _ in range(4)] == [REFUSED_PASSWORD] * 4
    for _ in range(4):
        assert attempt("alice", "typo") == REFUSED_PASSWORD  # alice herself mistypes …
    assert attempt("alice", PASSWORD) == LOGGED_IN  # … then logs in: her own failures go
    assert [attempt("alice", "typo") for _ in range(4)] == [REFUSED_PASSWORD] * 4
    assert attempt("alice", "bad", **attacker) == LOCKED  # the attacker's 5th still counts


def test_addresses_of_one_ipv6_64_share_one_count(user):
    answers = [attempt("alice", "bad", REMOTE_ADDR=f"2001:db8:1:2::{n:x}") for n in range(1, 51)]
    assert answers[:4] == [REFUSED_PASSWORD] * 4
    assert set(answers[4:]) == {LOCKED}
    assert attempt("alice", PASSWORD, REMOTE_ADDR="2001:db8:1:2:ffff::1") == LOCKED
    assert attempt("alice", PASSWORD, REMOTE_ADDR="2001:db8:1:3::1") == LOGGED_IN


def test_spellings_of_one_account_share_one_count(user):
    spellings = ["alice", "ALICE", "alice@example.com", "Alice@Example.COM", " alice "]
    answers = [attempt(name, "bad") for name in spellings * 2]
    assert answers[:4] == [REFUSED_PASSWORD] * 4
    assert set(answers[4:]) == {LOCKED}


def test_wrong_passwords_for_one_account_do_not_lock_out_other_accounts(user, other_user):
    for _ in range(5):
        attempt("alice", "bad")
    assert attempt("alice", PASSWORD) == LOCKED
    assert attempt("bob", PASSWORD) == LOGGED_IN  # the same client, another account
    assert attempt("alice", PASSWORD, REMOTE_ADDR="192.0.2.1") == LOGGED_IN  # alice elsewhere


def test_many_accounts_tried_from_one_client_lock_that_client(user, settings):
    limit = settings.LOGIN_CLIENT_FAILURE_LIMIT
    answers = [attempt(f"name{n % 7}", "bad") for n in range(limit)]
    # 7 names, none near its own limit of 5; the client's limit-th failure locks it.
    assert answers == [REFUSED_PASSWORD] * (limit - 1) + [LOCKED]
    assert attempt("alice", PASSWORD) == LOCKED
    assert attempt("alice", PASSWORD, REMOTE_ADDR="192.0.2.1") == LOGGED_IN


def test_behind_a_trusted_proxy_each_visitor_has_its_own_count(user, other_user, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    visitor = {"HTTP_X_FORWARDED_FOR": "203.0.113.5"}  # the proxy adds the address it saw
    for _ in range(5):
        attempt("alice", "bad", **visitor)
    assert attempt("alice", PASSWORD, **visitor) == LOCKED
    assert attempt("alice", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.6") == LOGGED_IN
    assert attempt("bob", PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.7") == LOGGED_IN


def test_without_trusted_proxies_a_forged_forwarded_for_is_no_fresh_start(user, settings):
    settings.TRUSTED_PROXIES = []
    answers = [attempt("alice", "bad", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}") for n in range(8)]
    assert answers[:4] == [REFUSED_PASSWORD] * 4
    assert set(answers[4:]) == {LOCKED}


@pytest.mark.parametrize("remote_addr", ["", "garbage", "::ffff:192.0.2.5", "[2001:db8::1]:443"])
def test_odd_client_addresses_are_stored_or_left_empty_never_an_error(user, remote_addr):
    from axes.models import AccessAttempt

    assert attempt("alice", "bad", REMOTE_ADDR=remote_addr) == REFUSED_PASSWORD
    assert attempt("alice", PASSWORD, REMOTE_ADDR=remote_addr) == LOGGED_IN
    assert AccessAttempt.objects.count() == 0  # the success forgot the failure


def test_wrong_passwords_warn_before_the_pause(user, settings):
    client = Client()
    pages = [
        client.post(reverse("login"), {"username": "Alice", "password": f"no-{n}"})
        for n in range(5)
    ]
    texts = [page.content.decode() for page in pages[:4]]
    assert [page.status_code for page in pages] == [REFUSED_PASSWORD] * 4 + [LOCKED]
    assert "attempt" not in texts[0] and "attempt" not in texts[1]
    assert "2 attempts left" in texts[2]
    assert "1 attempt left" in texts[3] and "pauses for 15 minutes" in texts[3]
    # A name that is no account gets the same warnings (nothing tells accounts apart).
    other = [
        Client().post(reverse("login"), {"username": "nobody", "password": "x"}) for _ in range(3)
    ]
    assert "2 attempts left" in other[2].content.decode()
