from urllib.parse import urlsplit

from django.conf import settings

# Our pages load scripts and styles only from our own origin (no inline code), so the policy
# can be strict. Images may come from anywhere over http(s): the create form previews the
# remote image, and media may live on an S3/CDN host. Social login forms post to our own
# /social-auth/ URLs, which redirect to the providers (form-action covers the redirect).
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: https: http:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self' https://accounts.google.com https://www.facebook.com",
        "frame-ancestors 'none'",
    ]
)


def policy_for(events_url: str) -> str:
    """Our policy, letting pages connect to the event stream's origin when it has its own
    (make run: another port)."""
    events = urlsplit(events_url)
    if events.scheme in ("http", "https") and events.netloc:
        origin = f"{events.scheme}://{events.netloc}"
        return CONTENT_SECURITY_POLICY.replace("connect-src 'self'", f"connect-src 'self' {origin}")
    return CONTENT_SECURITY_POLICY


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if policy is None:
            policy = policy_for(settings.EVENTS_URL)
            if settings.DEBUG and response.status_code >= 400:
                # With DEBUG on (make run), Django's own error pages (its technical 404 and
                # 500) style themselves inline: on error answers only, DEBUG only, inline
                # styles are allowed so that they stay readable. Scripts stay 'self' only.
                policy = policy.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
        if policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = policy
        return response
