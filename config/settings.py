"""Settings, read from the environment.

Embedded defaults (SQLite, tasks run in-process) need no variables at all.
`DATABASE_URL` switches to PostgreSQL, `REDIS_URL` sends Celery tasks to a real
broker and worker.  A bad value fails loudly at start-up rather than later.
"""

import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

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


DEBUG = env_bool("DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ValueError("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "rules",
    "accounts",
    "vouchers",
    "billing",
    "api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
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
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the writer instead of failing at once when two requests write together.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # A lock wait longer than this is a bug or an overload: fail the transaction
            # with a clear error rather than queueing forever.
            "options": "-c lock_timeout=10000",
            # Prepared statements: psycopg prepares a statement on its 5th use on a
            # connection, and PostgreSQL then skips parsing and planning it (an approval's
            # server CPU fell from 2.3 to 1.4 ms, docs/benchmarks.md). They live as long
            # as the connection, so keep connections open (DB_CONN_MAX_AGE) in production.
            "server_side_binding": True,
            "prepare_threshold": 5,
        }
    )

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
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
CELERY_TASK_ACKS_LATE = True
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "close-vouchers-daily": {
        "task": "vouchers.tasks.close_vouchers_task",
        # Shortly after midnight Beijing time, so a voucher valid "until" a date is usable
        # for the whole of that day.
        "schedule": crontab(hour=0, minute=10),
    },
    # Billing (billing/tasks.py). The daily close above is also `expire_vouchers`.
    "billing-reconcile": {
        "task": "billing.tasks.reconcile",
        "schedule": crontab(minute="*/10"),
    },
    "billing-settlements-monthly": {
        # The 2nd of each month, for the month before: late records have a day to arrive.
        "task": "billing.tasks.build_settlements",
        "schedule": crontab(day_of_month=2, hour=2, minute=0),
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
