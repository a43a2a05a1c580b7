"""Settings for rehab, read from the environment (see .env.example).

Three environments share this one module:
- ``local`` (default): SQLite file, Celery tasks run in-process, console e-mail, DEBUG on.
- ``test``: what ``make test`` uses: PostgreSQL and Redis from the environment, fast hashing.
- ``production``: refuses to start without a real SECRET_KEY, with DEBUG on, or without
  ALLOWED_HOSTS; HTTPS settings on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import environ
import plotly
from cryptography.fernet import Fernet
from csp.constants import NONCE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")

ENVIRONMENT = env.str("DJANGO_ENV", default="local")
if ENVIRONMENT not in {"local", "test", "production"}:
    raise ImproperlyConfigured(f"DJANGO_ENV must be local, test or production, not {ENVIRONMENT!r}")
PRODUCTION = ENVIRONMENT == "production"

_INSECURE_KEY = "insecure-local-development-key-never-use-in-production-0123456789"
SECRET_KEY = env.str("SECRET_KEY", default="" if PRODUCTION else _INSECURE_KEY)
DEBUG = env.bool("DEBUG", default=ENVIRONMENT == "local")

if PRODUCTION:
    if len(SECRET_KEY) < 50 or SECRET_KEY.startswith("insecure") or SECRET_KEY == _INSECURE_KEY:
        raise ImproperlyConfigured(
            "Production needs a random SECRET_KEY of at least 50 characters."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production refuses to run with DEBUG on.")

# Keys of the secrets kept encrypted at rest (rehab.crypto): Fernet keys, the first encrypts.
# Unset, one key is derived from SECRET_KEY.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
for _key in FIELD_ENCRYPTION_KEYS:
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS holds a value that is not a Fernet key (32 url-safe base64 "
            "bytes): make one with `manage.py reencrypt_secrets --new-key`."
        ) from None

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=[] if PRODUCTION else ["127.0.0.1", "localhost", "testserver"]
)
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("Production needs ALLOWED_HOSTS.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "oauth2_provider",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "athletes",
    "protocols",
    "monitoring",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # /api/: X-Request-ID, an error's code, ETag and 304, Cache-Control, RateLimit-*, Location
    "rehab.api_conventions.ApiConventionsMiddleware",
    "rehab.security.RequestSizeLimitMiddleware",  # 413 before a large body is read
    "csp.middleware.CSPMiddleware",
    "rehab.security.PlotlyNonceMiddleware",  # after CSP: it runs on the response first
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "rehab.api_paths.ApiPathMiddleware",  # /api/ without its slash; JSON 404 and 405 there
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "athletes.two_factor.RequireVerifiedMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "rehab.busy.DatabaseBusyMiddleware",  # a view's "database is locked": 503, Retry-After
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a lockout into the lockout page (or 429)
]

ROOT_URLCONF = "rehab.urls"
WSGI_APPLICATION = "rehab.wsgi.application"
ASGI_APPLICATION = "rehab.asgi.application"

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
                "csp.context_processors.nonce",
                "athletes.context_processors.section_base",
            ],
        },
    },
]

# Database: a SQLite file for the local run; PostgreSQL (psycopg 3) everywhere else.
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db' / 'rehab.sqlite3'}")
}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60 if PRODUCTION else 0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default holds up as PostgreSQL does: ids in PostgreSQL's range (rehab.sqlite);
    # a write-ahead log, so that readers never wait for a writer; every transaction taking the
    # write lock when it begins (IMMEDIATE), so that two writers queue for the lock instead of one
    # failing half-way with "database is locked"; and a writer waits up to
    # SQLITE_BUSY_TIMEOUT seconds for it. One that still cannot get it is a 503 with Retry-After
    # (rehab.busy), never a 500.
    DATABASES["default"]["ENGINE"] = "rehab.sqlite"
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": env.float("SQLITE_BUSY_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Prepared statements (Django's documented OPTIONS, psycopg's prepare_threshold): each
    # statement prepared on the server the first time a connection runs it. Django's cursors
    # bind on the client, which psycopg never prepares: only the nightly evaluation's
    # hand-written statements (``rehab.db.prepared_cursor``) are, run for every chunk. Off
    # (None) behind a pooler that hands a session's statements to another (PgBouncer in
    # transaction mode before 1.21, or without max_prepared_statements).
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault(
        "prepare_threshold", 0 if env.bool("REHAB_PREPARED_STATEMENTS", default=True) else None
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "athletes.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out login before the rest
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "athletes.passwords.StaffMinimumLengthValidator", "OPTIONS": {"min_length": 10}},
]
if ENVIRONMENT == "test":
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 12)

# Account security (README "Security"): lockout after repeated failed logins (django-axes, for the
# login page, the admin and the API's token endpoint alike), optional TOTP second factor
# (django-otp), a content security policy (django-csp).
# The largest request body: a bulk request of 1,000 daily logs with notes fits (about 1 MB).
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=5 * 1024 * 1024)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "rehab.security.lockout_response"  # a page; JSON for the API
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1 if PRODUCTION else 0)
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"]
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "rehab"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        # inline scripts only with the request's nonce (Plotly's charts, see rehab.security)
        "script-src": ["'self'", NONCE],
        # Plotly and htmx set inline styles; styles cannot run code
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

LANGUAGE_CODE = "en-gb"
TIME_ZONE = env.str("TIME_ZONE", default="Europe/London")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
# Plotly's JavaScript is served from the installed package: the app works with no internet.
STATICFILES_DIRS = [BASE_DIR / "static", ("plotly", Path(plotly.__file__).parent / "package_data")]
# Outside production whitenoise serves straight from the apps' and project's static folders.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Cache and Celery: Redis when REDIS_URL is set; otherwise local memory and in-process tasks.
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL or "memory://localhost/")
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or "cache+memory://")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Celery's Django fixup closes every database connection before and after each task unless this
# is set; rehab/celery.py recycles them around tasks as Django does around requests instead
# (CONN_MAX_AGE, CONN_HEALTH_CHECKS). With this set the fixup still closes them every this many
# tasks, which does no harm.
CELERY_DB_REUSE_MAX = 1000
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=120)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=180)
CELERY_RESULT_EXPIRES = 60 * 60 * 24
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A write must not hang when the broker is down: give up publishing quickly (the data is saved
# and the nightly run evaluates every active case).
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 2,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 1,
}
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 60 * 60}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE: dict = {}  # filled in by rehab/celery.py so that it lives in one place

# E-mail: console locally; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if not PRODUCTION else "smtp://localhost:25"
)
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="rehab <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# HTTPS and security headers: on in production, configurable for a TLS-terminating proxy.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

REST_FRAMEWORK = {
    # Token first: a request without credentials gets 401 with ``WWW-Authenticate: Token``.
    # A personal token expires (REHAB_API_TOKEN_DAYS); an integration's OAuth2 access token
    # (``Authorization: Bearer``) carries scopes, checked by rehab.api_auth.TokenScopes.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rehab.api_auth.ExpiringTokenAuthentication",
        "rehab.api_auth.OAuth2Authentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "rehab.api_auth.TokenScopes",  # an OAuth2 token acts within its scopes
        "rehab.api_conventions.KnownQueryParameters",  # an unknown query parameter is a 400
    ],
    "DEFAULT_PARSER_CLASSES": [
        "rehab.security.JSONParser",  # malformed or absurdly nested JSON is a 400, never a 500
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
        "rehab.api_conventions.UpdatedAfterFilter",  # ?updated_after= on every list
    ],
    # The API's viewsets use rehab.api.Pagination (the same, with max_limit 1,000).
    # A date is YYYY-MM-DD and nothing else (ISO 8601 also reads 20261106 and 2026-W45-5).
    "DATE_INPUT_FORMATS": ["%Y-%m-%d"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Per account (user id; client IP for anonymous requests), in the cache (Redis).
    "DEFAULT_THROTTLE_CLASSES": [  # DRF's, telling the RateLimit-* headers their windows
        "rehab.api_conventions.AnonRateThrottle",
        "rehab.api_conventions.UserRateThrottle",
        "rehab.api_conventions.ScopedRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/minute"),
        "user": env.str("API_THROTTLE_USER", default="3000/hour"),
        "bulk": env.str("API_THROTTLE_BULK", default="300/hour"),  # up to 1,000 items each
        "token": env.str("API_THROTTLE_TOKEN", default="20/hour"),  # password attempts
    },
    "DEFAULT_SCHEMA_CLASS": "rehab.api.AutoSchema",
    "EXCEPTION_HANDLER": "rehab.errors.api_exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "rehab API",
    "DESCRIPTION": "Bone stress injury rehabilitation: cases, plans, logs, metrics and flags.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    # Integrations: OAuth2's client-credentials grant (docs/api.md, "1. Get a token").
    "OAUTH2_FLOWS": ["clientCredentials"],
    "OAUTH2_TOKEN_URL": "/api/v1/oauth/token/",
}

# Personal API tokens (``Authorization: Token``) expire this many days after they were made;
# an expired one is a 401 saying so, and its owner makes a new one (account page, or
# POST /api/v1/auth/token/).
REHAB_API_TOKEN_DAYS = env.int("REHAB_API_TOKEN_DAYS", default=90)

# Integrations (docs/api.md, "1. Get a token"): an integration account's OAuth2 client asks
# POST /api/v1/oauth/token/ for an access token (client credentials grant) with some of these
# scopes; the token lasts an hour. No scope asked: ``read`` only.
OAUTH2_PROVIDER = {
    "SCOPES": {
        "read": "Read what the account may read: cases, plans, logs, sessions, metrics, flags",
        "write:logs": "Record daily logs",
        "write:sessions": "Record sessions and upload activity files",
        "write:metrics": "Record device metrics",
        "write:batteries": "Record test batteries (accounts with a clinical role on the case)",
        "invitations": "Read, send and revoke invitations",
        "write:screens": "Record bone-health screens (REDs) and the clearance decision",
    },
    "DEFAULT_SCOPES": ["read"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": env.int("REHAB_OAUTH_TOKEN_SECONDS", default=60 * 60),
    # RFC 9700 (OAuth 2.0 Security BCP; check --deploy): no implicit or password grant, no
    # "plain" PKCE, access tokens never in the query string and stored hashed, https redirects.
    "COMPLIANT_BCP_RFC9700_IMPLICIT_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PASSWORD_GRANT": True,
    "COMPLIANT_BCP_RFC9700_PKCE_METHOD": True,
    "COMPLIANT_BCP_RFC9700_ACCESS_TOKEN_TRANSPORT": True,
    "COMPLIANT_BCP_RFC9700_AUTHZ_RESPONSE_ISS": True,
    "COMPLIANT_BCP_RFC9700_TOKEN_STORAGE": True,  # tokens kept hashed, like client secrets
    "REFRESH_TOKEN_REUSE_PROTECTION": True,
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https"],
}

# Absolute links in e-mails (reminders, notes, reviews), e.g. https://rehab.example.org
REHAB_BASE_URL = env.str("REHAB_BASE_URL", default="http://127.0.0.1:8000")

# FHIR (docs/api.md "FHIR"): the base of the canonical URLs (the Questionnaire, the local code
# systems) and of the identifier systems, never the request's host, so the same resource has
# the same URLs however the server is reached. Default: this server's FHIR endpoint.
REHAB_FHIR_BASE = env.str(
    "REHAB_FHIR_BASE", default=REHAB_BASE_URL.rstrip("/") + "/api/v1/fhir"
).rstrip("/")

# Web Push (docs/push.md): the VAPID key pair that signs this server's pushes. The private key
# is a PEM (or its base64url raw form); without it the phones are not offered push, and
# reminders and messages go by e-mail as before. `python manage.py vapid_keys` makes a pair.
REHAB_VAPID_PUBLIC_KEY = env.str("REHAB_VAPID_PUBLIC_KEY", default="")
REHAB_VAPID_PRIVATE_KEY = env.str("REHAB_VAPID_PRIVATE_KEY", default="", multiline=True)
REHAB_VAPID_SUBJECT = env.str("REHAB_VAPID_SUBJECT", default="mailto:clinic@example.org")
# Push services are https; a local stand-in (the tests') may be http.
REHAB_PUSH_ALLOW_HTTP = env.bool("REHAB_PUSH_ALLOW_HTTP", default=False)

# Webhooks (docs/api.md "Webhooks"): a URL must resolve to public addresses and be https, unless
# private addresses are allowed (on for tests and local runs, so a local receiver works).
REHAB_WEBHOOKS_ALLOW_PRIVATE = env.bool(
    "REHAB_WEBHOOKS_ALLOW_PRIVATE", default=ENVIRONMENT in {"test", "local"}
)
REHAB_WEBHOOKS_TIMEOUT = env.float("REHAB_WEBHOOKS_TIMEOUT", default=10.0)  # seconds per attempt
# An endpoint is disabled after this many deliveries in a row were given up on, or after every
# attempt failed for this many hours; its owner is told by e-mail.
REHAB_WEBHOOKS_DISABLE_AFTER = env.int("REHAB_WEBHOOKS_DISABLE_AFTER", default=10)
REHAB_WEBHOOKS_DISABLE_HOURS = env.int("REHAB_WEBHOOKS_DISABLE_HOURS", default=24)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"}
    },
    # an API request's X-Request-ID on each line it logs ("-" outside one)
    "filters": {"request_id": {"()": "rehab.request_id.RequestIdFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["request_id"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},  # lockouts are warnings; each login is not news
        # In-process tasks (local run) would log every task; a worker keeps the INFO lines.
        "celery.app.trace": {"level": "WARNING" if CELERY_TASK_ALWAYS_EAGER else "INFO"},
    },
}

# Domain settings.
REHAB_MISSING_LOG_DAYS = env.int("REHAB_MISSING_LOG_DAYS", default=3)
# How long the access log (who looked at which athlete's clinical data) is kept: six years by
# default, the retention HIPAA asks of its documentation (45 CFR 164.316(b)(2)).
REHAB_ACCESS_LOG_DAYS = env.int("REHAB_ACCESS_LOG_DAYS", default=6 * 366)
REHAB_EVALUATION_CHUNK = env.int("REHAB_EVALUATION_CHUNK", default=200)
