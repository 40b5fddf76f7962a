"""txng settings: one file, every value from an environment variable with a safe default.

Defaults suit `make demo` (SQLite, DEBUG on). Production sets DEBUG=0, SECRET_KEY,
DATABASE_URL and ALLOWED_HOSTS; see docs/deploy.md.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name, default=""):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    return env(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


DEBUG = env_bool("DEBUG", False)
# Behind the reverse proxy of docs/deploy.md the client's address is in X-Real-IP (audit log,
# rate limits); only trust that header when the proxy sets it.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP", False)
SECRET_KEY = env("SECRET_KEY", "insecure-demo-key-change-me" if DEBUG else "")
if not SECRET_KEY:
    raise RuntimeError("SECRET_KEY must be set when DEBUG is off")

ALLOWED_HOSTS = [h for h in env("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in env("CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    # Listed so the API docs load Swagger UI from our own static files, not a CDN.
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "txng.common",
    "txng.audit",
    "txng.accounts",
    "txng.enrolment",
    "txng.catalog",
    "txng.tracing",
    "txng.stamps",
    "txng.epcis",
    "txng.resolver",
    "txng.public",
    "txng.feedback",
    "txng.ocop",
    "txng.reports",
    "txng.national",
    "txng.ops",
    "django_prometheus",
    "txng.pwa",
]

MIDDLEWARE = [
    # First and last: request counts and latencies include every other middleware's time.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    "txng.ops.logs.RequestIdMiddleware",
    # Inside the request id (a retry keeps it), outside everything that reads the database.
    "txng.ops.resilience.RetryReadsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "txng.common.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "txng.common.middleware.VietnameseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "txng.audit.middleware.RequestContextMiddleware",
    "txng.accounts.twofactor.RequireTwoFactorMiddleware",
    "txng.pwa.middleware.IdempotencyMiddleware",
    "txng.common.ids.IdOverflowMiddleware",
    "txng.ops.replica.ReadYourWritesMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "txng.urls"
WSGI_APPLICATION = "txng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "txng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "txng.accounts.context_processors.site",
                "txng.common.csp.nonce",
            ],
            # |qty, |count and |unit_label in every template: no page prints a raw Decimal;
            # {% slot %} for what apps above a page's app add to it (txng/common/slots.py).
            "builtins": [
                "txng.common.links",
                "txng.common.formatting",
                "txng.common.slots",
                "txng.common.vendor",
            ],
        },
    },
]


def database_options():
    """psycopg binds parameters on the server and prepares a statement once it has run
    DB_PREPARE_THRESHOLD times on a connection (Django's documented OPTIONS): the scan page's
    one statement is then planned once per connection instead of on every scan (planning it
    takes about three times as long as running it). Behind a pooler in transaction mode that
    cannot keep prepared statements, set DB_SERVER_SIDE_BINDING=0."""
    if not env_bool("DB_SERVER_SIDE_BINDING", True):
        return {}
    return {
        "server_side_binding": True,
        "prepare_threshold": int(env("DB_PREPARE_THRESHOLD", "5")),
    }


def database_from_url(url):
    """DATABASE_URL=postgres://user:pass@host:port/name, or sqlite:///path (default).

    A PostgreSQL on the same machine is best reached through its Unix socket, as libpq writes
    it: postgres:///name?host=/var/run/postgresql (see docs/deploy.md). The engine is Django's
    own with a bounded wait when a connection cannot be opened yet (txng/ops/postgresql)."""
    parsed = urlparse(url)
    if parsed.scheme in ("postgres", "postgresql"):
        socket_dir = parse_qs(parsed.query).get("host", [""])[0]
        return {
            "ENGINE": "txng.ops.postgresql",
            "NAME": parsed.path.lstrip("/"),
            "USER": parsed.username or "",
            "PASSWORD": parsed.password or "",
            "HOST": socket_dir or parsed.hostname or "",
            "PORT": str(parsed.port or ""),
            "CONN_MAX_AGE": int(env("DB_CONN_MAX_AGE", "60")),
            "CONN_HEALTH_CHECKS": env_bool("DB_CONN_HEALTH_CHECKS", True),
            # A request that finds PostgreSQL restarting waits this long for it, not failing.
            "CONNECT_RETRY_SECONDS": float(env("DB_CONNECT_RETRY_SECONDS", "10")),
            "OPTIONS": database_options(),
        }
    path = parsed.path if parsed.scheme == "sqlite" and parsed.path else BASE_DIR / "var/db.sqlite3"
    # IMMEDIATE: a transaction takes SQLite's write lock when it begins, so of two requests
    # changing the same thing the second waits (up to `timeout` seconds) and then reads the
    # first one's result, instead of failing with "database is locked" when both had read
    # before either wrote (txng/common/locking.py; docs/security.md, Races).
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
    }


DATABASES = {"default": database_from_url(env("DATABASE_URL", ""))}
# A PostgreSQL streaming replica for the reads of GET requests (txng/ops/replica.py); a visitor
# who has just written reads from the primary for REPLICA_STICKY_SECONDS.
if env("DATABASE_REPLICA_URL"):
    DATABASES["replica"] = database_from_url(env("DATABASE_REPLICA_URL"))
    DATABASE_ROUTERS = ["txng.ops.replica.ReplicaRouter"]
REPLICA_STICKY_SECONDS = int(env("REPLICA_STICKY_SECONDS", "15"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = ["txng.accounts.backends.OrganisationAwareBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "accounts:home"
LOGOUT_REDIRECT_URL = "public:home"
# Failed logins per (username, IP) before a cool-down, failures per IP for any usernames, and
# the cool-down's length in seconds.
LOGIN_MAX_FAILURES = int(env("LOGIN_MAX_FAILURES", "5"))
LOGIN_MAX_FAILURES_PER_IP = int(env("LOGIN_MAX_FAILURES_PER_IP", "30"))
LOGIN_LOCKOUT_SECONDS = int(env("LOGIN_LOCKOUT_SECONDS", "900"))
# Officials (and django-admin staff) must give a second factor before any page but the ones
# that set it up (txng/accounts/twofactor.py). On in production unless set to 0.
OFFICIALS_REQUIRE_2FA = env_bool("OFFICIALS_REQUIRE_2FA", not DEBUG)
OTP_TOTP_ISSUER = "txng"
# django-otp's admin never shows a device's key or QR code (txng/accounts/admin.py goes further).
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Tiếng Việt")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "txng" / "locale"]
# dd/mm/yyyy everywhere (Django's own Vietnamese formats spell the month out, or use dashes).
FORMAT_MODULE_PATH = ["txng.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "txng" / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "media")))


def media_storage():
    """Uploaded files on this machine's disk, or with S3_BUCKET set in an S3-compatible bucket
    (django-storages). Public images are then linked at S3_PUBLIC_URL (the proxy forwards
    /media/public/ to the bucket); private files are always read by the app after a permission
    check, never linked."""
    if not env("S3_BUCKET"):
        return {"BACKEND": env("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")}
    public = urlparse(env("S3_PUBLIC_URL", ""))
    return {
        "BACKEND": "txng.common.storage.MediaStorage",
        "OPTIONS": {
            "bucket_name": env("S3_BUCKET"),
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "access_key": env("S3_ACCESS_KEY") or None,
            "secret_key": env("S3_SECRET_KEY") or None,
            "region_name": env("S3_REGION", "us-east-1"),
            "custom_domain": (public.netloc + public.path.rstrip("/")) if public.netloc else None,
            "url_protocol": f"{public.scheme or 'https'}:",
            "querystring_auth": not public.netloc,
            "file_overwrite": False,
            "default_acl": None,
        },
    }


STORAGES = {
    "default": media_storage(),
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Form text, not files: the longest field (a news article, 100,000 characters) fits with room
# to spare, so a 10 MB POST is refused before any view reads it (txng/common/limits.py).
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
UPLOAD_MAX_BYTES = int(env("UPLOAD_MAX_BYTES", str(10 * 1024 * 1024)))
# Images whose header declares more pixels are refused before decoding (txng/common/uploads.py).
UPLOAD_MAX_PIXELS = int(env("UPLOAD_MAX_PIXELS", str(40_000_000)))


def cache_from_url(url):
    """CACHE_URL: redis://host:port/db (Redis), db://table (Django's database cache: run
    `manage.py createcachetable`) or locmem:// (this process's memory, development only).

    Redis is reached with a bounded wait (REDIS_TIMEOUT seconds to connect and per operation),
    and the default cache treats an unreachable Redis as an empty one (txng/common/rediscache.py)
    so that a Redis restart costs cache misses, not errors."""
    parsed = urlparse(url)
    if parsed.scheme in ("redis", "rediss"):
        timeout = float(env("REDIS_TIMEOUT", "1"))
        return {
            "BACKEND": "txng.common.rediscache.DegradingRedisCache",
            "LOCATION": url,
            # Its own prefix: after an outage it clears its keys, not the rate limits' (below).
            "KEY_PREFIX": "txng",
            "OPTIONS": {"socket_connect_timeout": timeout, "socket_timeout": timeout},
        }
    if parsed.scheme == "db":
        table = parsed.netloc or "txng_cache"
        return {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": table}
    if parsed.scheme == "locmem":
        return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    raise RuntimeError(f"CACHE_URL: unknown cache {url!r} (redis://, db:// or locmem://)")


# Shared between processes in production (the txng.E001 check refuses per-process memory when
# DEBUG is off): version tokens, the scan page's frames and rate limits must be the same in
# every worker. REDIS_URL is kept as a shorthand for CACHE_URL=redis://...
CACHES = {
    "default": cache_from_url(
        env("CACHE_URL") or env("REDIS_URL") or ("locmem://" if DEBUG else "db://txng_cache")
    ),
}
# Rate limits must be counted in one place for every worker and host, in development too: in
# Redis when the cache is Redis (Django's plain backend, which raises when Redis is down), and in
# a table in the database (made by accounts' migration 0002) otherwise, and while Redis is down:
# a limit that failed open would let anyone through during an outage (txng/common/ratelimit.py).
RATE_LIMIT_TABLE = {
    "BACKEND": "django.core.cache.backends.db.DatabaseCache",
    "LOCATION": "txng_rate_limits",
}
if CACHES["default"]["BACKEND"].endswith("RedisCache"):
    CACHES["ratelimit"] = {
        **CACHES["default"],
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "KEY_PREFIX": "",
    }
    CACHES["ratelimit-fallback"] = RATE_LIMIT_TABLE
else:
    CACHES["ratelimit"] = RATE_LIMIT_TABLE

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "txng@localhost")
EMAIL_HOST = env("EMAIL_HOST", "localhost")
EMAIL_PORT = int(env("EMAIL_PORT", "25"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")

# Security: strict when DEBUG is off; `manage.py check --deploy` is clean with production env.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(8 * 3600)))
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Sent on every page by txng.common.csp; {nonce} is fresh per request. Inline style stays
# allowed (a few style= attributes; styles cannot run code), inline script does not.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self' 'nonce-{nonce}'; "
    "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if not DEBUG:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Demo accounts share one well-known password; it is refused whenever DEBUG is off.
DEMO_PASSWORD = "txng-demo"

# The province this instance serves; profiles live in txng/accounts/provinces.py.
TXNG_PROVINCE = env("TXNG_PROVINCE", "cao-bang")
# A diary entry, receipt or activation kept on a phone offline is refused when it reaches the
# server more than this many days after it was made (its lot may have moved on since).
TXNG_OFFLINE_MAX_AGE_DAYS = int(env("TXNG_OFFLINE_MAX_AGE_DAYS", "30"))
SITE_DOMAIN = env("SITE_DOMAIN", "")
# The site answers on its own domain (the demo's LAN address included).
if _site_host := urlparse(SITE_DOMAIN if "//" in SITE_DOMAIN else f"//{SITE_DOMAIN}").hostname:
    ALLOWED_HOSTS = (
        [*ALLOWED_HOSTS, _site_host] if _site_host not in ALLOWED_HOSTS else ALLOWED_HOSTS
    )

# LOG_FORMAT=json: one JSON object per line with the request id (txng/ops/logs.py), for a log
# collector; plain text otherwise.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "txng.ops.logs.RequestIdFilter"}},
    "formatters": {
        "json": {"()": "txng.ops.logs.JsonFormatter"},
        "text": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if env("LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
# /metrics (Prometheus) answers only a scraper presenting this bearer token; unset, it is off.
METRICS_TOKEN = env("METRICS_TOKEN", "")
# Errors go to a Sentry-compatible service (Sentry, GlitchTip) when a DSN is set.
SENTRY_DSN = env("SENTRY_DSN", "")
if SENTRY_DSN:
    import sentry_sdk

    sentry_sdk.init(dsn=SENTRY_DSN, send_default_pii=False, traces_sample_rate=0)

# QR stamps (txng.stamps): yearly quota per business unless DOST sets one, counterfeit signal
# thresholds, and the secret salt for hashing scanners' IP addresses.
STAMP_DEFAULT_YEARLY_QUOTA = int(env("STAMP_DEFAULT_YEARLY_QUOTA", "1000000"))
# A stock adjustment larger than this share of what a lot received or produced is reported to
# the business's managing agencies (txng.tracing: adjust_stock).
STOCK_ADJUST_REASON_PERCENT = int(env("STOCK_ADJUST_REASON_PERCENT", "10"))
STAMP_SCAN_THRESHOLD = int(env("STAMP_SCAN_THRESHOLD", "50"))
STAMP_FAR_KM = int(env("STAMP_FAR_KM", "150"))
STAMP_FAR_HOURS = int(env("STAMP_FAR_HOURS", "12"))
STAMP_REPEAT_THRESHOLD = int(env("STAMP_REPEAT_THRESHOLD", "3"))
STAMP_CHUNK = int(env("STAMP_CHUNK", "5000"))
# Seconds to rest between chunks, so a million-stamp order leaves the database room for others.
STAMP_CHUNK_PAUSE = float(env("STAMP_CHUNK_PAUSE", "0"))
# Processes drawing a large order's PDF; 0 means every core the task worker may use.
STAMP_PRINT_WORKERS = int(env("STAMP_PRINT_WORKERS", "0"))
SCAN_IP_SALT = env("SCAN_IP_SALT", SECRET_KEY)
# After this many days a scan's and a fake report's hashed IP is blanked (forget_visitor_ips):
# counts, places and signals keep what they need without linking visitors for longer.
VISITOR_IP_DAYS = int(env("VISITOR_IP_DAYS", "90"))
# An EPCIS capture job keeps the document it was sent this many days after it finished; then the
# task worker drops the document and keeps the job's status and errors (the events are stored).
EPCIS_CAPTURE_DOCUMENT_DAYS = int(env("EPCIS_CAPTURE_DOCUMENT_DAYS", "30"))
# Where people reach the operator about their personal data (the notice at /du-lieu-ca-nhan/).
CONTACT_EMAIL = env("CONTACT_EMAIL", DEFAULT_FROM_EMAIL)
CONTACT_PHONE = env("CONTACT_PHONE", "")
# Scans of one stamp by one visitor (hashed IP and browser family) within this many seconds
# count once towards the stamp's count and the counterfeit signals.
SCAN_REPEAT_WINDOW_SECONDS = int(env("SCAN_REPEAT_WINDOW_SECONDS", "600"))
# Working days an agency has to settle a case, per kind (txng.feedback); a case past its deadline
# is flagged in the queue and counted on the front page.
FEEDBACK_CASE_DEADLINE_DAYS = {
    "complaint": int(env("CASE_DAYS_COMPLAINT", "15")),
    "violation": int(env("CASE_DAYS_VIOLATION", "15")),
    "fake_stamp": int(env("CASE_DAYS_FAKE_STAMP", "10")),
    "finding": int(env("CASE_DAYS_FINDING", "30")),
}
# Consumers' comments go public at once (post-moderation) when true; otherwise after an
# official approves them.
FEEDBACK_POST_MODERATION = env_bool("FEEDBACK_POST_MODERATION")
