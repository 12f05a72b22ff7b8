"""Settings, read from the environment.

Embedded defaults (SQLite, tasks run in-process) need no variables at all.
`DATABASE_URL` switches to PostgreSQL, `REDIS_URL` sends Celery tasks to a real
broker and worker.  A bad value fails loudly at start-up rather than later.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.utils.translation import gettext_lazy

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in ("1", "true", "yes", "on"):
        return True
    if value.lower() in ("0", "false", "no", "off"):
        return False
    raise ValueError(f"{name} must be a boolean, got {value!r}")


def env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ValueError(f"{name} must be a whole number, got {value!r}") from None


def env_pair(name: str) -> tuple[str, str] | None:
    """`HEADER,value` (e.g. `HTTP_X_FORWARDED_PROTO,https`), or None when unset."""
    items = env_list(name, "")
    if not items:
        return None
    if len(items) != 2:
        raise ValueError(f"{name} must be two comma-separated values, got {items!r}")
    return items[0], items[1]


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ValueError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"


def env_secret(name: str) -> str:
    """A key from the environment; a fixed development key only while DEBUG is on."""
    value = os.environ.get(name, "")
    if not value:
        if not DEBUG:
            raise ValueError(f"{name} must be set when DEBUG is off")
        value = f"dev-only-{name.lower()}"
    return value


# Personal data at rest (accounts/personal.py): django-fernet-encrypted-fields derives
# its Fernet key from SECRET_KEY and this salt; a separate key makes the HMAC-SHA256
# digests that compare the normalised values, so a leaked digest column alone gives
# nothing to a dictionary of ID numbers.
SALT_KEY = env_secret("PERSONAL_DATA_SALT")
PERSONAL_DATA_HASH_KEY = env_secret("PERSONAL_DATA_HASH_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

# HTTPS only once DEBUG is off: redirect, secure cookies, HSTS for a year on every
# subdomain (preload: the header asks browsers' preload lists to take the site; set
# SECURE_HSTS_PRELOAD=0 before the domain is ready for that). Behind a proxy that ends
# TLS, say which header carries the scheme: SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_PROXY_SSL_HEADER = env_pair("SECURE_PROXY_SSL_HEADER")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.forms",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rules",
    "django_htmx",
    # The default config wraps the template loaders so "page.html#partial" renders.
    "template_partials",
    "axes",
    # Officers' second factor: TOTP devices and single-use backup codes (authority/).
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "accounts",
    "audit",
    "vouchers",
    "web",
    "company",
    "authority",
    "provider",
    "billing",
    "recovery",
    "api",
    "webhooks",
    "payments",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Before ChineseFirst: the API answers in the language its client asks for.
    "api.middleware.ApiRequestMiddleware",
    "web.middleware.ChineseFirstMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: marks request.user verified when the session holds a device.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "django.template.context_processors.i18n",
                "web.context_processors.site",
            ],
            "builtins": ["template_partials.templatetags.partials"],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
        # A kept connection (web processes: config/gunicorn.py) is checked before reuse.
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
    # REPLACE deletes the row in its way without firing DELETE triggers unless recursive
    # triggers are on: with them, the append-only triggers refuse REPLACE INTO history.
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA recursive_triggers = ON"
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A lock wait longer than this is a bug or an overload: fail the transaction
            # with a clear error rather than queueing forever (services answer "busy").
            # The connection check (PostgreSQL 14+) cancels the statement of a client
            # that went away (a killed worker) within seconds, so its locks do not
            # outlive it by minutes.
            "options": f"-c lock_timeout={env_int('DB_LOCK_TIMEOUT_MS', 10000)} "
            f"-c client_connection_check_interval={env_int('DB_CLIENT_CHECK_MS', 5000)}",
        }
    )
# Celery worker processes add a statement_timeout to their connections
# (config/celery.py): long enough for one chunk of a pipeline, short enough that a
# runaway plan (stale statistics) cannot hold voucher locks for minutes.
DB_WORKER_STATEMENT_TIMEOUT_MS = env_int("DB_WORKER_STATEMENT_TIMEOUT_MS", 120_000)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    # First, so a locked-out username and address is refused before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "web.passwords.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `manage.py collectstatic` fills it; with DEBUG off every page needs its manifest.
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
# Vendored files only (web/static/vendor/<name>-<version>/), served by whitenoise with
# hashed names; there is no build step and nothing is fetched from the internet.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Uploads live in MEDIA_ROOT, outside every static folder, and no URL serves that folder:
# a file goes out only through a view that checks who asks (web.files.serve_private).
MEDIA_URL = "media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
# Providers' usage CSVs, kept for the record; never served (outside MEDIA and STATIC).
USAGE_FILE_ROOT = Path(os.environ.get("USAGE_FILE_ROOT", BASE_DIR / "var" / "usage-files"))
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "算力券 provider API",
    "DESCRIPTION": "Vouchers, contracts, usage and settlements for compute providers.",
    "VERSION": "1.0.0",
    # The docs page serves Swagger UI from this app's static files, never from a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
    "ENUM_NAME_OVERRIDES": {
        "VoucherStatusEnum": "vouchers.models.Voucher.Status",
        "ContractStatusEnum": "vouchers.models.Contract.ProviderStatus",
        "UsageFileStatusEnum": ["queued", "running", "done", "failed"],
    },
}
# Webhooks (webhooks/urls_check.py): plain http and private or loopback addresses only
# while developing; an endpoint is switched off after this many failed attempts in a row.
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
WEBHOOK_ALLOW_PRIVATE = env_bool("WEBHOOK_ALLOW_PRIVATE", DEBUG)
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 20)
# Provider API (api/): requests per key, and the largest usage file accepted.
API_THROTTLE_RATE = os.environ.get("API_THROTTLE_RATE", "1200/min")
API_MAX_USAGE_FILE_BYTES = int(os.environ.get("API_MAX_USAGE_FILE_BYTES", str(2 * 1024**3)))

# Celery: with no REDIS_URL every task runs in-process at once (the embedded default);
# with it, tasks go to Redis and a separate worker and beat run them.
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A task is acknowledged when it has finished, not when it starts; one whose worker
# process dies is handed back to the queue; a process reserves one task at a time, so
# a long file never holds others hostage behind it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A task still unacknowledged this long after delivery (its whole worker was killed) is
# delivered again. Tasks may outlive it: a usage file's job is claimed by its heartbeat,
# so a second delivery while it runs does nothing; reconcile claims vouchers with SKIP
# LOCKED. The sweeper below resumes a dead worker's file sooner.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 300),
}
CELERY_TIMEZONE = TIME_ZONE
# A running usage file whose heartbeat is older than this has lost its worker.
USAGE_FILE_STALE_SECONDS = env_int("USAGE_FILE_STALE_SECONDS", 30)
CELERY_BEAT_SCHEDULE = {
    # Webhooks: new events fanned out to endpoints, due attempts and retries sent.
    "webhooks-scan-and-deliver": {
        "task": "webhooks.tasks.scan_and_deliver_task",
        "schedule": 60.0,
    },
    "close-vouchers-daily": {
        "task": "vouchers.tasks.close_vouchers_task",
        # Shortly after midnight Beijing time, so a voucher valid "until" a date is usable
        # for the whole of that day.
        "schedule": crontab(hour=0, minute=10),
    },
    "check-ledger-nightly": {
        "task": "vouchers.tasks.check_ledger_task",
        # After the closing job, so it checks the books that job just moved.
        "schedule": crontab(hour=2, minute=0),
    },
    # The company portal's notifications of status changes made outside it (a
    # reviewer's decision, a voucher's expiry): read from the audit trail every minute.
    "company-notifications": {
        "task": "company.tasks.scan_notifications_task",
        "schedule": 60.0,
    },
    # Billing (billing/tasks.py). The daily close above is also `expire_vouchers`.
    "billing-reconcile": {
        "task": "billing.tasks.reconcile",
        "schedule": crontab(minute="*/10"),
    },
    # The usage table's monthly partitions, a quarter ahead (billing/partitions.py).
    "billing-usage-partitions": {
        "task": "billing.tasks.create_usage_partitions",
        "schedule": crontab(hour=1, minute=20),
    },
    # Usage files whose worker died (a stale heartbeat) or whose message was lost.
    "billing-requeue-stuck-files": {
        "task": "billing.tasks.requeue_stuck_files",
        "schedule": 30.0,
    },
    "billing-settlements-monthly": {
        # The 2nd of each month, for the period that ended with the month before (every
        # monthly programme's month, and in January, April, July and October the
        # quarterly programmes' quarter): late records have a day to arrive.
        "task": "billing.tasks.build_settlements",
        "schedule": crontab(day_of_month=2, hour=2, minute=0),
    },
    # Stored answers to Idempotency-Key requests, once past their retry window.
    "api-purge-idempotent-responses": {
        "task": "api.tasks.purge_idempotent_responses",
        "schedule": crontab(hour=3, minute=30),
    },
}

# The cache holds the provider API's throttle counters (api/throttle.py), the signatures
# it has seen (api/authentication.py) and sign-ups waiting for their e-mailed link
# (company/services/registration.py). Several
# web processes must count one key's requests together, so with REDIS_URL the cache is
# Redis, in a database of its own (1) rather than the broker's; CACHE_URL overrides it.
# Without either, each process counts in its own memory: enough for one process.
CACHE_URL = os.environ.get("CACHE_URL") or (
    urlsplit(REDIS_URL)._replace(path="/1").geturl() if REDIS_URL else ""
)
if CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": "voucher",
        }
    }

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    # Tasks run in-process (no REDIS_URL): a line per task would bury what a command
    # prints (the demo's logins) under hundreds of "Task ... succeeded". A worker keeps them.
    "loggers": {"celery.app.trace": {"level": "WARNING"}} if CELERY_TASK_ALWAYS_EAGER else {},
}

# The site (web/): sign-in, language, security headers.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Every form renders with the site's Bootstrap layout and errors next to their field.
FORM_RENDERER = "web.forms.SiteFormRenderer"
# A filter's select before any choice (django-filter) says "All" (全部), not "---------".
FILTERS_EMPTY_CHOICE_LABEL = gettext_lazy("All")
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "noreply@compute-voucher.local")
# A money action needs a password typed within this many minutes (web.auth).
WEB_RECENT_LOGIN_MINUTES = int(os.environ.get("WEB_RECENT_LOGIN_MINUTES", "10"))
# The name an authenticator app shows next to an officer's codes (authority/two_factor).
OTP_TOTP_ISSUER = "算力券 Compute Vouchers"

# django-axes: five wrong passwords for one username from one address lock that pair out
# for 15 minutes (at sign-in, password confirmation and password change alike); a
# successful login clears the count. The pair, never the username alone, so that
# someone guessing from elsewhere cannot lock the real user out.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The address is the client's, read by django-ipware from these request.META keys in
# order (default: the TCP peer). Behind a reverse proxy every peer is the proxy, so name
# the header the proxy sets and a client cannot (README, "Behind a proxy"), e.g.
# AXES_IPWARE_META_PRECEDENCE_ORDER=HTTP_X_REAL_IP.
AXES_IPWARE_META_PRECEDENCE_ORDER = tuple(
    env_list("AXES_IPWARE_META_PRECEDENCE_ORDER", "REMOTE_ADDR")
)
AXES_IPWARE_PROXY_ORDER = os.environ.get("AXES_IPWARE_PROXY_ORDER", "left-most")
if AXES_IPWARE_PROXY_ORDER not in ("left-most", "right-most"):
    raise ValueError("AXES_IPWARE_PROXY_ORDER must be left-most or right-most")
AXES_IPWARE_PROXY_COUNT = env_int("AXES_IPWARE_PROXY_COUNT", 0) or None
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/auth/locked_out.html"

# Content-Security-Policy: scripts and styles only from this site, never inline.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# The company portal (company/): uploaded evidence, invoices and proofs of delivery are
# refused above this size; links in its e-mails start with SITE_URL.
COMPANY_UPLOAD_MAX_BYTES = int(os.environ.get("COMPANY_UPLOAD_MAX_BYTES", 10 * 1024 * 1024))
# Required once DEBUG is off (config/checks.py): the address users reach the site at.
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000" if DEBUG else "")
