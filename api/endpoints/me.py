from ninja import Router

from .. import serialize
from ..auth import READ, token_of
from ..models import Scope
from ..schemas import MeOut, Problem

router = Router(tags=["me"])


@router.get("me/", response={200: MeOut, 401: Problem}, auth=READ, url_name="me")
def me(request):
    """Who the token (or session) belongs to, and what it may do."""
    token = token_of(request)
    return {
        **serialize.person(request, request.user),
        "email": request.user.email,
        "scope": token.scope if token else Scope.WRITE,
        "token_name": token.name if token else None,
    }
