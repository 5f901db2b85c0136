"""Settings for Bookmarks: one module, every knob read from the environment.

Defaults are safe for production (DEBUG off, HTTPS on); `make run` turns DEBUG on for local
development. Every variable is documented in README.md and `.env.example`.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import dj_database_url
from django.core.checks.security.base import (
    SECRET_KEY_INSECURE_PREFIX,
    SECRET_KEY_MIN_LENGTH,
    SECRET_KEY_MIN_UNIQUE_CHARACTERS,
)
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def read_dotenv(path: str) -> dict[str, str]:
    """NAME=value lines of a .env file (blank lines and # comments skipped, quotes dropped)."""
    try:
        lines = Path(path).read_text().splitlines()
    except OSError:
        return {}
    values = {}
    for line in lines:
        name, sep, value = line.strip().partition("=")
        if sep and name and not name.startswith("#"):
            values[name.strip()] = value.strip().strip("'\"")
    return values


# --- Local development file ----------------------------------------------------------------
# `make run` writes a git-ignored .env (DEBUG=1, a generated SECRET_KEY) so that plain
# `python manage.py createsuperuser`, `shell`, `check`... work in a checkout. Only manage.py
# asks for it (it sets DOTENV_FILE); gunicorn (bookmarks.wsgi, `make serve`) and the tests never
# read it. Its values never override the environment, and an environment that sets SECRET_KEY,
# as every server must, ignores the file altogether: a leftover .env cannot turn DEBUG on there.
if os.environ.get("DOTENV_FILE") and not os.environ.get("SECRET_KEY"):
    for _name, _value in read_dotenv(os.environ["DOTENV_FILE"]).items():
        os.environ.setdefault(_name, _value)

# --- Environment ---------------------------------------------------------------------------
DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
DATABASE_URL = os.environ.get("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
REDIS_KEY_PREFIX = os.environ.get("REDIS_KEY_PREFIX", "bookmarks:")
SITE_URL = os.environ.get("SITE_URL", "").rstrip("/")  # empty: taken from the request
HTTPS = env_bool("HTTPS", not DEBUG)
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
EMAIL_URL = os.environ.get("EMAIL_URL", "console://")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Bookmarks <noreply@localhost>")
AWS_STORAGE_BUCKET_NAME = os.environ.get("AWS_STORAGE_BUCKET_NAME", "")
AWS_S3_ENDPOINT_URL = os.environ.get("AWS_S3_ENDPOINT_URL") or None
AWS_S3_REGION_NAME = os.environ.get("AWS_S3_REGION_NAME") or None
AWS_S3_CUSTOM_DOMAIN = os.environ.get("AWS_S3_CUSTOM_DOMAIN") or None
# How long a signed address of a private picture works (S3 media only).
PRIVATE_MEDIA_URL_SECONDS = int(os.environ.get("PRIVATE_MEDIA_URL_SECONDS", "3600"))
# Django serves /media/ itself (images only, bookmarks/media.py); nginx does it in production.
SERVE_MEDIA = env_bool("SERVE_MEDIA", not AWS_STORAGE_BUCKET_NAME)
SOCIAL_AUTH_GOOGLE_OAUTH2_KEY = os.environ.get("SOCIAL_AUTH_GOOGLE_OAUTH2_KEY", "")
SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET = os.environ.get("SOCIAL_AUTH_GOOGLE_OAUTH2_SECRET", "")
SOCIAL_AUTH_FACEBOOK_KEY = os.environ.get("SOCIAL_AUTH_FACEBOOK_KEY", "")
SOCIAL_AUTH_FACEBOOK_SECRET = os.environ.get("SOCIAL_AUTH_FACEBOOK_SECRET", "")
SOCIAL_AUTH_REDIRECT_IS_HTTPS = env_bool("SOCIAL_AUTH_REDIRECT_IS_HTTPS", HTTPS)
IMAGE_FETCH_ALLOW_LOOPBACK = env_bool("IMAGE_FETCH_ALLOW_LOOPBACK", False)
IMAGE_FETCH_MAX_BYTES = int(os.environ.get("IMAGE_FETCH_MAX_BYTES", 10 * 1024 * 1024))
# The ceiling around decoding and thumbnailing one image (a child process; bookmarks.imaging).
IMAGE_WORK_MEMORY_MB = int(os.environ.get("IMAGE_WORK_MEMORY_MB", 512))
IMAGE_WORK_SECONDS = float(os.environ.get("IMAGE_WORK_SECONDS", 10))
# The served derivatives (WebP/AVIF at several widths) are drawn by a background job.
IMAGE_DERIVATIVE_SECONDS = float(os.environ.get("IMAGE_DERIVATIVE_SECONDS", 60))
LOGIN_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", 5))
LOGIN_COOLOFF_MINUTES = int(os.environ.get("LOGIN_COOLOFF_MINUTES", 15))
LOGIN_CLIENT_FAILURE_LIMIT = int(os.environ.get("LOGIN_CLIENT_FAILURE_LIMIT", 20))
LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
# Background jobs (bookmarks/jobs.py, RQ on REDIS_URL): the waits before the 2nd and 3rd try of
# a transient failure, a job's time limit, and the heartbeat after which a dead worker's job is
# handed to another (heartbeat + grace, within 60 s). JOBS_INLINE runs jobs in the caller at
# once (tests that are not about the queue).
JOB_RETRY_BACKOFF = [int(n) for n in env_list("JOB_RETRY_BACKOFF", "10,60")]
JOB_TIMEOUT = int(os.environ.get("JOB_TIMEOUT", 120))
JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOB_HEARTBEAT_SECONDS", 10))
JOB_HEARTBEAT_GRACE = int(os.environ.get("JOB_HEARTBEAT_GRACE", 20))
# How often a worker looks for e-mail digests that are due (each person gets one a day at most).
DIGEST_CHECK_SECONDS = int(os.environ.get("DIGEST_CHECK_SECONDS", 3600))
JOBS_INLINE = env_bool("JOBS_INLINE", False)
# Bookmarks of one person queued or being saved at once; more is a 429 (fair share of workers).
BOOKMARKS_IN_FLIGHT = int(os.environ.get("BOOKMARKS_IN_FLIGHT", 5))
# Import of an export ZIP (portability/): the upload's size, and all its files unpacked.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", 2 * 1024**3))
IMPORT_MAX_TOTAL_BYTES = int(os.environ.get("IMPORT_MAX_TOTAL_BYTES", 4 * 1024**3))
# Proxies (addresses or networks) whose X-Forwarded-For is believed, e.g. "127.0.0.1,10.0.0.0/8".
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", "")
# Live updates (bookmarks/events.py): where pages open the event stream ("" turns SSE off:
# pages poll), which other origins may open it (the dev server's pages, on another port),
# streams per person, and how often pages poll when SSE cannot connect.
EVENTS_URL = os.environ.get("EVENTS_URL", "/events/")
EVENTS_ALLOWED_ORIGINS = env_list("EVENTS_ALLOWED_ORIGINS", "")
EVENTS_PER_PERSON = int(os.environ.get("EVENTS_PER_PERSON", "5"))
LIVE_POLL_SECONDS = int(os.environ.get("LIVE_POLL_SECONDS", "30"))
# The demo-data app (`seed_demo`, demo/): for development and the benchmark, not production.
DEMO_APP = env_bool("DEMO_APP", DEBUG)
# -------------------------------------------------------------------------------------------

if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off. Set the SECRET_KEY environment variable "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'), "
            "or set DEBUG=1 for local development."
        )
    SECRET_KEY = "django-insecure-local-development-only"
elif not DEBUG and not (
    len(SECRET_KEY) >= SECRET_KEY_MIN_LENGTH
    and len(set(SECRET_KEY)) >= SECRET_KEY_MIN_UNIQUE_CHARACTERS
    and not SECRET_KEY.startswith(SECRET_KEY_INSECURE_PREFIX)
):
    # The criteria of Django's `check --deploy` (security.W009), made a refusal: a short key
    # signs sessions, password-reset links and CSRF tokens that can be guessed offline.
    raise ImproperlyConfigured(
        f"SECRET_KEY is too weak for DEBUG off: it needs at least {SECRET_KEY_MIN_LENGTH} "
        f"characters, {SECRET_KEY_MIN_UNIQUE_CHARACTERS} of them different, and must not start "
        f"with {SECRET_KEY_INSECURE_PREFIX!r}. Generate one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))'."
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "social_django",
    "django_rq",
    "axes",
    "taggit",
    "account.apps.AccountConfig",
    "images.apps.ImagesConfig",
    "actions.apps.ActionsConfig",
    "boards.apps.BoardsConfig",
    "comments.apps.CommentsConfig",
    "notifications.apps.NotificationsConfig",
    "blocks.apps.BlocksConfig",
    "portability.apps.PortabilityConfig",
    "search.apps.SearchConfig",
    "shares.apps.SharesConfig",
    "browser_extension.apps.BrowserExtensionConfig",
    "api.apps.ApiConfig",
    "ninja",  # the REST API's library: its Swagger UI files are served from our static files
]
if DEMO_APP:
    INSTALLED_APPS += ["demo.apps.DemoConfig"]

MIDDLEWARE = [
    # First: everything after it (axes, rate limits, view counts) reads the client's address.
    "bookmarks.clientip.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The page's language: the person's choice, the chooser's cookie, Accept-Language.
    "bookmarks.i18n.PersonLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    # /api/: both forms of an address, the body cap (413), problem documents for errors.
    "api.middleware.ApiMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "bookmarks.eventauth.EventCookieMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "bookmarks.middleware.ContentSecurityPolicyMiddleware",
    "bookmarks.errors.BrandedNotFoundMiddleware",
    # Last, as django-axes asks: turns a locked-out login into its "try later" answer.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "bookmarks.urls"
CSRF_FAILURE_VIEW = "bookmarks.errors.csrf_failure"
WSGI_APPLICATION = "bookmarks.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "notifications.context_processors.unread_notifications",
                "notifications.context_processors.live",
                "account.theme.theme",
                "bookmarks.i18n.i18n",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Several gunicorn workers share the file: wait for the write lock instead of failing.
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "account.User"
AUTHENTICATION_BACKENDS = [
    # First: refuses any login from a client that failed too often (django-axes).
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "account.authentication.EmailAuthBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = None

LANGUAGE_CODE = "en"
# The languages offered (bookmarks/i18n.py picks one per request). Catalogues live in locale/
# as .po files; `make run`, `make serve` and `make test` compile them (.mo files are not kept).
LANGUAGES = [
    ("en", "English"),
    ("es", "Español"),
    ("de", "Deutsch"),
    ("fr", "Français"),
    ("zh-hans", "简体中文"),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
if AWS_STORAGE_BUCKET_NAME:
    # Credentials come from boto3's own variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY).
    STORAGES["default"] = {
        # Public pictures public-read, private ones signed (see bookmarks/storage.py).
        "BACKEND": "bookmarks.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": AWS_S3_ENDPOINT_URL,
            "region_name": AWS_S3_REGION_NAME,
            "custom_domain": AWS_S3_CUSTOM_DOMAIN,
            "file_overwrite": False,
            "querystring_auth": False,
        },
    }

# Uploads: profile photos are capped in the form; this caps what Django keeps in memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 6 * 1024 * 1024
PROFILE_PHOTO_MAX_BYTES = 5 * 1024 * 1024


def _email_settings(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme in ("console", ""):
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parsed.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parsed.scheme not in ("smtp", "smtps"):
        raise ImproperlyConfigured(f"EMAIL_URL scheme must be console, smtp or smtps: {url!r}")
    options = parse_qs(parsed.query)
    return {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": parsed.hostname or "localhost",
        "EMAIL_PORT": parsed.port or (465 if parsed.scheme == "smtps" else 587),
        "EMAIL_HOST_USER": unquote(parsed.username or ""),
        "EMAIL_HOST_PASSWORD": unquote(parsed.password or ""),
        "EMAIL_USE_SSL": parsed.scheme == "smtps",
        "EMAIL_USE_TLS": parsed.scheme == "smtp" and options.get("tls", ["1"])[0] != "0",
        "EMAIL_TIMEOUT": 10,
    }


globals().update(_email_settings(EMAIL_URL))

# --- Security ------------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # our AJAX reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 60 * 60 * 24 * 365))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", "")

# --- Login throttling (django-axes; the policy is in account/throttle.py and README) ----------
# LOGIN_FAILURE_LIMIT wrong passwords for one account from one client pause that account's
# logins from that client; LOGIN_CLIENT_FAILURE_LIMIT from one client, on any accounts, pause
# the client; both for LOGIN_COOLOFF_MINUTES. A success forgets only its own account's failures
# from its own client. Clients are IPv4 addresses or IPv6 /64s, read behind TRUSTED_PROXIES.
AXES_HANDLER = "account.throttle.LoginThrottle"
AXES_FAILURE_LIMIT = LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=LOGIN_COOLOFF_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "account.throttle.client_address"
AXES_USERNAME_CALLABLE = "account.throttle.account_name"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "account.views.locked_out"
AXES_VERBOSE = False

# --- Rate limits (bookmarks/ratelimit.py): name -> (attempts, seconds); overrides its defaults.
RATE_LIMITS: dict[str, tuple[int, int]] = {}

# --- Cache: Redis, forgiving (a Redis outage makes misses, not errors), JSON, never pickle ------
RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": JOB_TIMEOUT}}
RQ = {"WORKER_CLASS": "bookmarks.jobs.Worker"}
# Run by every worker between jobs (bookmarks.jobs.Worker): requeue work whose job was lost.
JOB_SWEEPERS = ["images.services.requeue_lost_bookmarks"]
# Jobs queued every so many seconds by whichever worker sees them due first (bookmarks.jobs.
# queue_periodic_jobs): the e-mail digest looks hourly for people whose day has passed.
JOB_PERIODIC: dict[str, int] = {
    "notifications.digest.send_due_digests": DIGEST_CHECK_SECONDS,
    "bookmarks.storage.remove_stale_partial_files": 3600,
}

CACHES = {
    "default": {
        "BACKEND": "bookmarks.cache.ForgivingRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"{REDIS_KEY_PREFIX}cache",
        "TIMEOUT": 300,
        "OPTIONS": {
            "serializer": "bookmarks.cache.JSONSerializer",
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
        },
    },
    # Sessions are read from here before the database (one query less on every page). The
    # database stays the record: with Redis down, sessions are read from and written to it
    # alone, so people stay logged in; a cached entry lives at most MAX_TIMEOUT seconds, which
    # bounds how long a logout made while Redis was unreachable can be undone by a stale entry.
    "sessions": {
        "BACKEND": "bookmarks.cache.SessionRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": f"{REDIS_KEY_PREFIX}session",
        "OPTIONS": {
            "serializer": "bookmarks.cache.JSONSerializer",
            "socket_connect_timeout": 0.5,
            "socket_timeout": 0.5,
            "MAX_TIMEOUT": 300,
        },
    },
}
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_CACHE_ALIAS = "sessions"

# --- Images that enter the site (fetched, uploaded, profile photos): bookmarks.imaging ------
IMAGE_MAX_BYTES = IMAGE_FETCH_MAX_BYTES  # uploads get the same byte cap as downloads
IMAGE_MAX_PIXELS = 40_000_000  # per frame; also Pillow's MAX_IMAGE_PIXELS
IMAGE_MAX_FRAMES = 1000
IMAGE_MAX_ASPECT = 30  # one side at most 30 times the other (a 1×100,000 strip is refused)
IMAGE_MAX_TOTAL_PIXELS = 200_000_000  # frames × pixels: at most 800 MB decoded, in all

# --- Image fetching --------------------------------------------------------------------------
IMAGE_FETCH_CONNECT_TIMEOUT = 3.0
IMAGE_FETCH_TOTAL_TIMEOUT = 15.0
IMAGE_FETCH_MAX_REDIRECTS = 3

# --- Logging ---------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django": {"handlers": ["console"], "level": LOG_LEVEL, "propagate": False},
        # django-axes reports every login at INFO; its warnings (lockouts) are what matter.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}

# --- Social auth -----------------------------------------------------------------------------
# Log in with Google / Facebook (social-auth-app-django). A provider is offered only when its
# key and secret are set (top of this file); callbacks live under /social-auth/complete/<name>/.
AUTHENTICATION_BACKENDS += [
    # social-core's Google backend, minus its refusal of unverified e-mails (see account/social.py).
    "account.social.GoogleOAuth2",
    "social_core.backends.facebook.FacebookOAuth2",
]
SOCIAL_AUTH_URL_NAMESPACE = "social"
SOCIAL_AUTH_LOGIN_REDIRECT_URL = "dashboard"
SOCIAL_AUTH_LOGIN_ERROR_URL = "login"
SOCIAL_AUTH_NEW_ASSOCIATION_REDIRECT_URL = "edit"
SOCIAL_AUTH_DISCONNECT_REDIRECT_URL = "edit"
SOCIAL_AUTH_SANITIZE_REDIRECTS = True  # `next` may only point back to this site
SOCIAL_AUTH_RAISE_EXCEPTIONS = False  # failures end on a page with a message, DEBUG or not
# Google's default scope (openid, email, profile) already asks for the e-mail.
SOCIAL_AUTH_FACEBOOK_SCOPE = ["email"]
SOCIAL_AUTH_FACEBOOK_PROFILE_EXTRA_PARAMS = {"fields": "id,name,email"}
# Names come from the provider once; after that the profile page owns them.
SOCIAL_AUTH_IMMUTABLE_USER_FIELDS = ["first_name", "last_name"]
# SOCIAL_AUTH_JSONFIELD_ENABLED is not set: since social-auth-app-django 5 extra_data is always a
# models.JSONField, and the setting only changes the field type in its legacy migration 0001.
SOCIAL_AUTH_PIPELINE = [
    "social_core.pipeline.social_auth.social_details",
    "social_core.pipeline.social_auth.social_names",
    "social_core.pipeline.social_auth.social_uid",
    "social_core.pipeline.social_auth.auth_allowed",
    "social_core.pipeline.social_auth.social_user",
    # Instead of social-core's associate_by_email: only on an e-mail the provider verified.
    "account.social.associate_by_verified_email",
    # Instead of social-core's get_username: unique whatever the case, like our constraint.
    "account.social.get_username",
    "account.social.drop_taken_email",
    "social_core.pipeline.user.create_user",
    "social_core.pipeline.social_auth.associate_user",
    "social_core.pipeline.social_auth.load_extra_data",
    "social_core.pipeline.user.user_details",
    "account.social.finish_login",  # ensure_profile + a message
]
SOCIAL_AUTH_DISCONNECT_PIPELINE = [
    # Refuses to remove the user's only way to log in (AuthPolicyError "disconnect_disallowed").
    "social_core.pipeline.disconnect.allowed_to_disconnect",
    "social_core.pipeline.disconnect.get_entries",
    "social_core.pipeline.disconnect.revoke_tokens",
    "social_core.pipeline.disconnect.disconnect",
    "account.social.announce_disconnect",
]
# Before django-axes, which must stay last (see MIDDLEWARE).
MIDDLEWARE.insert(
    MIDDLEWARE.index("axes.middleware.AxesMiddleware"),
    "account.social.SocialAuthExceptionMiddleware",
)
TEMPLATES[0]["OPTIONS"]["context_processors"] += ["account.social.social_login"]
TAGGIT_CASE_INSENSITIVE = True  # one tag whatever the case (images.tags lower-cases too)
