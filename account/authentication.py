from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class EmailAuthBackend(ModelBackend):
    """Log in with an e-mail address (any case) in the `username` field."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if not username or password is None or "@" not in username:
            return None
        user_model = get_user_model()
        try:
            user = user_model._default_manager.get(email__iexact=username.strip())
        except (user_model.DoesNotExist, user_model.MultipleObjectsReturned):
            # Hash anyway so that a missing address takes as long as a wrong password.
            user_model().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
