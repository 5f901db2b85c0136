"""The profile page's "Your data" section (so the account app need not import this one)."""

from django import template

register = template.Library()


@register.inclusion_tag("portability/_your_data.html", takes_context=True)
def your_data(context):
    request = context["request"]
    return {
        "csrf_token": context.get("csrf_token"),
        "has_password": request.user.has_usable_password(),
    }
