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


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        if self.policy is None:
            self.policy = CONTENT_SECURITY_POLICY
            events = urlsplit(settings.EVENTS_URL)
            if events.scheme in ("http", "https") and events.netloc:
                # The event stream served from its own origin (make run: another port).
                origin = f"{events.scheme}://{events.netloc}"
                self.policy = self.policy.replace(
                    "connect-src 'self'", f"connect-src 'self' {origin}"
                )

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = self.policy
        return response
