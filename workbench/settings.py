"""Workbench settings: every value comes from the environment, with working development defaults.

DATABASE_URL picks the database: unset means a SQLite file in the project folder,
``sqlite:///path`` that SQLite file, ``postgres://user:pass@host:port/name`` PostgreSQL
through psycopg 3 with its connection pool.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent


def envbool(name, default):
    return os.getenv(name, default).strip().lower() in ("1", "true", "yes", "on")


def envint(name, default):
    return int(os.getenv(name, default))


SQLITE_OPTIONS = {"init_command": "PRAGMA journal_mode=WAL;", "transaction_mode": "IMMEDIATE"}


def database_from_url(url):
    """Turn a DATABASE_URL into a Django DATABASES entry."""
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "workbench.sqlite3",
            "OPTIONS": SQLITE_OPTIONS,
        }
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        # sqlite:///relative.db is relative to the working folder, sqlite:////abs/path.db absolute.
        name = unquote(parts.path[1:]) or ":memory:"
        if parts.netloc == ":memory:":
            name = ":memory:"
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            "OPTIONS": SQLITE_OPTIONS,
        }
    if parts.scheme in ("postgres", "postgresql"):
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        # A request waits at most DATABASE_POOL_TIMEOUT seconds for a connection; while the
        # server is down it then gets the 503 page (reviews/outage.py) instead of hanging.
        pool = {"timeout": float(os.getenv("DATABASE_POOL_TIMEOUT", "10"))}
        options = {"pool": pool if envbool("DATABASE_POOL", "true") else False}
        if "sslmode" in query:
            options["sslmode"] = query["sslmode"]
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")) or "workbench",
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "OPTIONS": options,
            # Check a connection before each request uses it (the pool checks it on checkout):
            # after a database restart, broken connections are replaced, not handed out.
            "CONN_HEALTH_CHECKS": True,
        }
    raise ValueError(f"DATABASE_URL scheme {parts.scheme!r} is not supported (sqlite, postgres)")


DEBUG = envbool("DEBUG", "true")
SECRET_KEY = os.getenv("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "django-insecure-development-only-key-do-not-use-in-production-0123456789"  # noqa: S105
ALLOWED_HOSTS = [h for h in os.getenv("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.getenv("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "reviews",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "reviews.session_user.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "reviews.sessions.IdleExpiryMiddleware",
    "reviews.require_2fa.RequireTwoFactorMiddleware",
    "reviews.preferences.TimeZoneMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a lock-out into the login page with its message.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "workbench.urls"
WSGI_APPLICATION = "workbench.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "reviews.views.inbox.unread_count",
            ],
        },
    },
]

DATABASES = {"default": database_from_url(os.getenv("DATABASE_URL", ""))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.getenv("TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.getenv("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Development serves static files through WhiteNoise's finders; production from STATIC_ROOT.
WHITENOISE_AUTOREFRESH = DEBUG
WHITENOISE_USE_FINDERS = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "reviews.static_files.StaticFilesStorage"
    },
}

# Per-process caches share one budget: WORKBENCH_PROCESS_CACHE_MB of each worker's memory. A
# worker must stay under 150 MB resident (issue 12); after the heaviest requests the app itself
# takes about 100 MB (bench/worker_memory.py prints the figures step by step), so the caches
# get 20 MB by default, shared out below. A new per-process cache (a document page cache, say)
# takes its share out of this budget, here, rather than adding to the worker's size.
WORKBENCH_PROCESS_CACHE_BYTES = envint("WORKBENCH_PROCESS_CACHE_MB", "20") * 1024 * 1024
# The document pages' bodies (reviews/page_cache.py), stored compressed: about 10 KB for 40
# rows and 110 KB for 400, so 6 MB hold the pages of the documents a worker serves through a day.
PAGE_CACHE_BYTES = 6 * 1024 * 1024
# The document page's rendered rows (reviews/row_cache.py), the rest: about 4.8 KB a row at the
# bench's rows (the HTML, pickled, with its key), so ~3,000 rows, a few long documents' worth.
ROW_CACHE_BYTES = WORKBENCH_PROCESS_CACHE_BYTES - PAGE_CACHE_BYTES

# "rows": the document page's rendered rows (reviews/row_cache.py). Keys hash everything a row
# shows, so entries never go stale and need no invalidation; a cache in each worker, bounded
# by bytes (reviews/bounded_cache.py), is enough on one machine, and several app servers may
# share Redis with ROW_CACHE_URL=redis://... (docs/scaling.md; needs the redis package).
ROW_CACHE_URL = os.getenv("ROW_CACHE_URL", "")


def process_cache(name, max_bytes):
    """Each worker's own cache of `max_bytes` (reviews/bounded_cache.py), or with ROW_CACHE_URL
    the Redis all app servers share."""
    if ROW_CACHE_URL:
        return {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": ROW_CACHE_URL,
            "KEY_PREFIX": name,
        }
    return {
        "BACKEND": "reviews.bounded_cache.BoundedLocMemCache",
        "LOCATION": name,
        "TIMEOUT": 24 * 3600,
        "OPTIONS": {"MAX_BYTES": max_bytes},
    }


CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "rows": process_cache("rows", ROW_CACHE_BYTES),
    # "pages": the document page's body (reviews/page_cache.py), keyed on the document's state
    # version read with the access check. A 400-row body is about 1 MB of HTML, stored
    # compressed; the in-memory cache holds PAGE_CACHE_BYTES of them, and with ROW_CACHE_URL
    # they share Redis with the rows.
    "pages": process_cache("pages", PAGE_CACHE_BYTES),
}
# Off, every document page is rendered (from cached rows); for comparisons in bench/.
PAGE_CACHE = envbool("PAGE_CACHE", "true")

# Uploads are held in memory and parsed defensively (reviews/formats). The caps are enforced
# while the request arrives (reviews/uploads.py stops reading past them), so a hostile request
# costs at most WORKBENCH_MAX_REQUEST_BYTES of memory and nothing on disk. The proxy in front
# should refuse bodies over WORKBENCH_MAX_REQUEST_BYTES itself (README, "Deploying").
WORKBENCH_MAX_UPLOAD_BYTES = envint("WORKBENCH_MAX_UPLOAD_BYTES", str(5 * 1024 * 1024))
# The whole request body: two files (the Korean and the English) and the form's fields.
WORKBENCH_MAX_REQUEST_BYTES = envint(
    "WORKBENCH_MAX_REQUEST_BYTES", str(2 * WORKBENCH_MAX_UPLOAD_BYTES + 1024 * 1024)
)
DATA_UPLOAD_MAX_MEMORY_SIZE = WORKBENCH_MAX_REQUEST_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = WORKBENCH_MAX_REQUEST_BYTES
FILE_UPLOAD_HANDLERS = [
    "reviews.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
]

# Quality score: penalty points per categorised comment, by severity, counted per 1,000 source
# words; a document passes at or below the threshold.
WORKBENCH_QUALITY_PENALTIES = {"minor": 1, "major": 5, "critical": 10}
WORKBENCH_QUALITY_THRESHOLD = float(os.getenv("WORKBENCH_QUALITY_THRESHOLD", "15"))

# Translation memory (reviews/memory.py): a suggestion must be at least this similar to the
# row's Korean (0 to 1, difflib's ratio); candidates come from reviews/memory_index.py.
WORKBENCH_MEMORY_MIN_SIMILARITY = float(os.getenv("WORKBENCH_MEMORY_MIN_SIMILARITY", "0.5"))

# A strict policy: nothing inline, nothing evaluated, no third-party origins.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_SAMESITE = "Lax"

SILENCED_SYSTEM_CHECKS = [
    # Email is optional: without EMAIL_BACKEND there is no mailer and nothing is ever sent.
    "mail.W001",
    # HSTS preloading is a commitment for the whole domain; SECURE_HSTS_PRELOAD opts in.
    "security.W021",
    # The queue's covering indexes INCLUDE columns for PostgreSQL's index-only scans; SQLite
    # builds the same indexes without them, which is all it needs.
    "models.W040",
]

# Load balancers probe the health check over plain HTTP, behind the TLS proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

if not DEBUG:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Email is optional: with no EMAIL_BACKEND there is no mailer and notifications stay in the app.
WORKBENCH_SEND_EMAIL = bool(os.getenv("EMAIL_BACKEND"))
MAILERS = {"default": {"BACKEND": os.environ["EMAIL_BACKEND"]}} if WORKBENCH_SEND_EMAIL else {}
DEFAULT_FROM_EMAIL = os.getenv("DEFAULT_FROM_EMAIL", "workbench@localhost")
# Where people reach the app, for links in emails.
WORKBENCH_BASE_URL = os.getenv("WORKBENCH_BASE_URL", "http://127.0.0.1:8000")

# Accounts and sessions (SECURITY.md, "Accounts and sessions").
# Argon2 first; PBKDF2 stays so that older hashes still verify and are rehashed with Argon2 at
# the person's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]
# django-axes first: it refuses a locked-out login before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # The user with their profile in one query; ModelBackend stays for the sessions it opened.
    "reviews.backends.PersonBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = envint("WORKBENCH_LOGIN_FAILURE_LIMIT", "5")
AXES_COOLOFF_TIME = envint("WORKBENCH_LOGIN_COOLOFF_MINUTES", "15") / 60  # hours
# Failures count per username (from any address) and per address (for any username).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "reviews.views.login.locked_out"
AXES_VERBOSE = False
# Behind a proxy, the client's address is the one the proxy appends to X-Forwarded-For; the
# header is believed only when WORKBENCH_TRUST_X_FORWARDED_FOR says a proxy sets it
# (reviews/client_ip.py).
WORKBENCH_TRUST_X_FORWARDED_FOR = envbool("WORKBENCH_TRUST_X_FORWARDED_FOR", "false")
WORKBENCH_PROXY_COUNT = max(1, envint("WORKBENCH_PROXY_COUNT", "1"))
AXES_CLIENT_IP_CALLABLE = "reviews.client_ip.client_ip"

# Two-factor authentication (django-otp): managers and superusers must turn it on when true.
WORKBENCH_REQUIRE_2FA = envbool("WORKBENCH_REQUIRE_2FA", "false")
OTP_TOTP_ISSUER = "Workbench"
WORKBENCH_RECOVERY_CODES = 10

# Sessions live in the database and end after this long without a request; the expiry is
# pushed forward at most once a minute (reviews/sessions.py) rather than on every request.
WORKBENCH_SESSION_IDLE_SECONDS = envint("WORKBENCH_SESSION_IDLE_SECONDS", str(8 * 60 * 60))
SESSION_COOKIE_AGE = WORKBENCH_SESSION_IDLE_SECONDS
# Django's database sessions, read in plain SQL (reviews/sessions.py).
SESSION_ENGINE = "reviews.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
# SESSION_COOKIE_SECURE is on whenever DEBUG is off (above).

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.getenv("LOG_LEVEL", "WARNING")},
}
