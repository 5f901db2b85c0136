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


# With DEBUG on (make run), Django's own error pages (its technical 404 and 500) style
# themselves inline; on error answers only, DEBUG only, inline styles are allowed so that they
# stay readable. Scripts stay 'self' only.
DEBUG_ERROR_POLICY = CONTENT_SECURITY_POLICY.replace(
    "style-src 'self'", "style-src 'self' 'unsafe-inline'"
)


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy and "Content-Security-Policy" not in response:
            policy = self.policy
            if settings.DEBUG and response.status_code >= 400 and policy == CONTENT_SECURITY_POLICY:
                policy = DEBUG_ERROR_POLICY
            response["Content-Security-Policy"] = policy
        return response
