"""The one settings module. Every deployment difference comes from environment variables
(see docs/operations.md); tests override only what they need in conftest.py."""

import secrets
from pathlib import Path

import dj_database_url

from gonghui.env import env, envbool, envint, envlist

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env("GONGHUI_VAR_DIR", str(BASE_DIR / "var")))
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEBUG = envbool("DEBUG", False)


def _secret_key() -> str:
    """SECRET_KEY (or SECRET_KEY_FILE) in production; a key kept in var/ for a local demo."""
    key = env("SECRET_KEY")
    if key:
        return key
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# Personal-data keys (field encryption and blind indexes) live outside the database.
GONGHUI_KEY_FILE = Path(env("GONGHUI_KEY_FILE", str(VAR_DIR / "keys.json")))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "treebeard",
    "ninja",  # serves the API docs (Swagger UI) from our own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "gonghui.core",
    "gonghui.accounts",
    "gonghui.orgs",
    "gonghui.stations",
    "gonghui.members",
    "gonghui.care",
    "gonghui.quizzes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "gonghui.core.middleware.ConsoleLoginRequiredMiddleware",
    "gonghui.core.middleware.ConsoleMessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "gonghui.core.middleware.RequestContextMiddleware",
]

ROOT_URLCONF = "gonghui.urls"
WSGI_APPLICATION = "gonghui.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "gonghui" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "gonghui.core.context_processors.console",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gonghui.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside a writer; IMMEDIATE makes writers queue instead of failing
    # with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;"
        ),
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The few hot-path statements of gonghui/core/fastsql.py (a kit scan) are prepared once per
    # connection after this many runs; Django's own queries are bound client-side and never
    # prepared. 0: never (behind a transaction-mode pooler older than PgBouncer 1.21).
    DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
        envint("DATABASE_PREPARE_THRESHOLD", 5) or None
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["gonghui.accounts.backends.LockoutBackend"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lock an account after this many failed logins in a row, for this many minutes.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)

# Scaled out: REDIS_URL puts the cache and sessions in Redis so app servers keep no state.
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.cache"

# Hot paths (a kit scan, a bearer token) keep rarely-changing rows in each process this long
# (gonghui/core/localcache.py); a change reaches every app server within it. 0: no caching.
LOCAL_CACHE_SECONDS = envint("LOCAL_CACHE_SECONDS", 30)

# Sessions end after this long without a request (sliding expiry) and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 30) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = envbool("SECURE_COOKIES", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind a TLS-terminating proxy: trust its X-Forwarded-Proto and X-Forwarded-For headers.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
TRUST_X_FORWARDED_FOR = BEHIND_PROXY
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 0)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "gonghui" / "locale"]
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    BASE_DIR / "gonghui" / "static",
    # Front-end libraries come from the npm registry (package.json + lockfile, `make setup`).
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/leaflet", BASE_DIR / "node_modules" / "leaflet" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"skip_conflicts": {"()": "gonghui.core.logs.SkipConflicts"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "django.request": {"filters": ["skip_conflicts"]},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# The station map's background tiles (Leaflet URL template) and the coordinate system they are
# drawn in, so markers land in the right place (checked at start: gcj02 for AMap/Tencent, wgs84 for
# OpenStreetMap). Without reachable tiles the map page still lists stations by distance.
STATION_TILE_URL = env(
    "STATION_TILE_URL",
    "https://webrd0{s}.is.autonavi.com/appmaptile?lang=zh_cn&size=1&scale=1&style=8&x={x}&y={y}&z={z}",
)
STATION_TILE_SUBDOMAINS = env("STATION_TILE_SUBDOMAINS", "1234")
STATION_TILE_CRS = env("STATION_TILE_CRS", "gcj02")
STATION_TILE_ATTRIBUTION = env("STATION_TILE_ATTRIBUTION", "© 高德地图 AutoNavi")
# Text messages (one-time codes for workers' sign-in): a class with send(phone, text).
SMS_SENDER = env("SMS_SENDER", "gonghui.core.sms.FileSender")
# One-time codes: how long one lives, and how many a phone may ask for.
OTP_TTL_SECONDS = envint("OTP_TTL_SECONDS", 300)
OTP_RESEND_SECONDS = envint("OTP_RESEND_SECONDS", 60)
OTP_MAX_PER_HOUR = envint("OTP_MAX_PER_HOUR", 5)
OTP_MAX_PER_IP_PER_HOUR = envint("OTP_MAX_PER_IP_PER_HOUR", 30)
# A worker's H5 sign-in lasts this long (their own phone, so longer than a staff session).
WORKER_SESSION_DAYS = envint("WORKER_SESSION_DAYS", 30)
# Joining the union online: an application is decided within this many working days unless
# a federation sets its own limit; an overdue one goes up one more level every
# JOIN_ESCALATE_EVERY_DAYS working days; one phone may have this many applications open.
JOIN_DECIDE_WITHIN_DAYS = envint("JOIN_DECIDE_WITHIN_DAYS", 15)
JOIN_ESCALATE_EVERY_DAYS = envint("JOIN_ESCALATE_EVERY_DAYS", 5)
JOIN_MAX_OPEN_PER_PHONE = envint("JOIN_MAX_OPEN_PER_PHONE", 3)

# Quizzes: answers and a submission arriving this many seconds after a sitting's deadline still
# count (the phone's countdown ends, the request is on its way).
QUIZ_GRACE_SECONDS = envint("QUIZ_GRACE_SECONDS", 5)

# Covering indexes (INCLUDE columns) are a PostgreSQL optimisation; SQLite builds the same
# index without them.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# Background work (imports, exports): django-tasks. The embedded default keeps the queue in
# the database and `manage.py db_worker` runs it (make demo starts one); TASKS_BACKEND=
# immediate runs tasks inside the request instead (tests, tiny installs).
TASKS_BACKEND = env("TASKS_BACKEND", "database")
TASKS = {
    "default": {
        "BACKEND": {
            "database": "django_tasks_db.DatabaseBackend",
            "immediate": "django_tasks.backends.immediate.ImmediateBackend",
        }[TASKS_BACKEND]
    }
}

# Spreadsheet imports (core/imports): files above this size are refused; files of at least
# IMPORT_PARALLEL_MIN_ROWS rows are checked by up to IMPORT_MAX_WORKERS processes.
IMPORT_MAX_BYTES = envint("IMPORT_MAX_MB", 200) << 20
IMPORT_PARALLEL_MIN_ROWS = envint("IMPORT_PARALLEL_MIN_ROWS", 20_000)
IMPORT_MAX_WORKERS = envint("IMPORT_MAX_WORKERS", 4)
# A commit of at least this many new rows, into a table no bigger than the import, builds
# the table's indexes afterwards instead of row by row (PostgreSQL; locks the table).
IMPORT_REBUILD_INDEXES_MIN_ROWS = envint("IMPORT_REBUILD_INDEXES_MIN_ROWS", 50_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 << 20
