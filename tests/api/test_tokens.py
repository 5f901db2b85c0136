"""Personal access tokens: made on the profile page, shown once, stored hashed, scoped,
revocable, expiring, read only from the Authorization header."""

import hashlib
import re
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from api.models import Scope, Token
from api.tokens import MAX_ACTIVE_TOKENS, create_token


def test_a_token_is_stored_hashed_and_never_in_the_clear(user):
    token, secret = create_token(user=user, name="Extension", scope=Scope.WRITE)
    assert secret.startswith("bm_") and len(secret) >= 40
    stored = Token.objects.get(pk=token.pk)
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {stored.key_hash, stored.prefix, stored.name}
    assert secret.startswith(stored.prefix)


def test_the_profile_page_makes_a_token_and_shows_it_once(auth_client, user):
    response = auth_client.post(
        "/account/tokens/new/", {"name": "Browser extension", "scope": "write", "expires": "90"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]
    secret = re.search(r'value="(bm_[^"]+)"', response.content.decode()).group(1)
    token = Token.objects.get(user=user)
    assert token.name == "Browser extension" and token.scope == "write"
    assert token.expires - timezone.now() > timedelta(days=89)
    # The token works, and the profile page lists it without its secret.
    auth_client.logout()
    me = auth_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert me.status_code == 200 and me.json()["token_name"] == "Browser extension"
    auth_client.force_login(user)
    page = auth_client.get("/account/edit/").content.decode()
    assert "Browser extension" in page and token.prefix in page and secret not in page
    assert "never used" not in page  # it was used just now


def test_a_bad_token_form_says_why(auth_client, user):
    response = auth_client.post("/account/tokens/new/", {"name": "  ", "scope": "admin"})
    assert response.status_code == 400
    assert not Token.objects.exists()


def test_revoking_from_the_profile_page_stops_the_token(auth_client, user, make_token):
    secret = make_token(user)
    token = Token.objects.get(user=user)
    response = auth_client.post("/account/tokens/revoke/", {"id": token.pk})
    assert response.status_code == 302
    auth_client.logout()
    answer = auth_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "This token was revoked."


def test_nobody_revokes_another_persons_token(auth_client, other_user, make_token):
    secret = make_token(other_user)
    token = Token.objects.get(user=other_user)
    auth_client.post("/account/tokens/revoke/", {"id": token.pk})
    token.refresh_from_db()
    assert token.revoked is None
    auth_client.logout()
    assert auth_client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200


def test_token_pages_need_login_and_post(client, user):
    assert client.post("/account/tokens/new/", {"name": "x"}).status_code == 302
    client.force_login(user)
    assert client.get("/account/tokens/new/").status_code == 405


def test_an_expired_token_is_refused(client, user):
    _, secret = create_token(user=user, name="short", expires_in_days=30)
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        answer = client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert answer.status_code == 401
    assert answer.json()["detail"] == "This token has expired."


def test_last_used_is_written_at_most_once_a_minute(client, user, django_assert_num_queries):
    _, secret = create_token(user=user, name="t")
    header = {"HTTP_AUTHORIZATION": f"Bearer {secret}"}
    client.get("/api/v1/me/", **header)
    first = Token.objects.get(user=user).last_used
    assert first is not None
    with django_assert_num_queries(1):  # the token with its user; no UPDATE
        client.get("/api/v1/me/", **header)
    assert Token.objects.get(user=user).last_used == first
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        client.get("/api/v1/me/", **header)
    assert Token.objects.get(user=user).last_used > first


def test_a_token_in_the_query_string_is_refused(client, user, make_token):
    secret = make_token(user)
    for name in ("token", "access_token"):
        answer = client.get(f"/api/v1/me/?{name}={secret}")
        assert answer.status_code == 400
        assert "Authorization header" in answer.json()["detail"]


def test_a_person_has_at_most_so_many_tokens(user):
    for n in range(MAX_ACTIVE_TOKENS):
        create_token(user=user, name=f"t{n}")
    from api.tokens import TokenLimit

    with pytest.raises(TokenLimit):
        create_token(user=user, name="one more")


def test_an_inactive_account_has_no_api(client, user, make_token):
    secret = make_token(user)
    user.is_active = False
    user.save()
    assert client.get("/api/v1/me/", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
