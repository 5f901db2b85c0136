import pytest

from api.models import Scope
from api.tokens import create_token
from tests.factories import make_user


@pytest.fixture
def make_token():
    def make(user, scope=Scope.WRITE, **kwargs):
        _, secret = create_token(user=user, name=kwargs.pop("name", "test"), scope=scope, **kwargs)
        return secret

    return make


@pytest.fixture
def api(client, user, make_token):
    """A test client that sends alice's write token with every request."""
    secret = make_token(user)
    client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    client.token = secret
    return client


@pytest.fixture
def carol(db):
    return make_user("carol", email="carol@example.com", first_name="Carol")
