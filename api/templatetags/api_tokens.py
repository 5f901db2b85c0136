"""The profile page's "API tokens" section (so that the account app need not import this one)."""

from django import template

from api.forms import TokenForm
from api.tokens import tokens_of

register = template.Library()


@register.inclusion_tag("api/_tokens.html", takes_context=True)
def api_tokens(context):
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        "tokens": tokens_of(request.user),
        "form": TokenForm(),
    }
