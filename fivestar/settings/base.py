"""Settings shared by every environment. Values that differ per deployment come from the environment."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = BASE_DIR.parent
VAR_DIR = Path(os.environ.get("FIVESTAR_VAR_DIR", PROJECT_DIR / "var"))


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "dev-insecure-fivestar-key-change-me-in-production-0123456789")
DEBUG = False
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "fivestar.core",
    "fivestar.orgs",
    "fivestar.people",
    "fivestar.imports",
    "fivestar.standards",
    "fivestar.indicators",
    "fivestar.rating",
    "fivestar.inbox",
    "fivestar.supervision",
    "fivestar.planning",
    "fivestar.observation",
    "fivestar.meetings",
    "fivestar.activities",
    "fivestar.projects",
    "fivestar.boards",
    "fivestar.boards.screens",
    "fivestar.reviews",
    "fivestar.api",
    "fivestar.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "fivestar.core.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files are served precompressed before reaching it), before everything that writes
    # the body: pages, fragments and API JSON leave gzip-compressed when the client accepts it.
    "fivestar.core.compression.CompressionMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "fivestar.core.middleware.InputHygieneMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    "fivestar.core.password_middleware.ForcePasswordChangeMiddleware",
]

ROOT_URLCONF = "fivestar.urls"
WSGI_APPLICATION = "fivestar.wsgi.application"

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
                "fivestar.core.context_processors.navigation",
            ],
        },
    }
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'fivestar.sqlite3'}", conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        # A kept connection is checked before each request uses it: after a database restart the next request
        # reconnects instead of failing on a dead socket (core/db_unavailable.py).
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web server read while a background worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=10000;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# fivestar/core/hashers.py says why Argon2id; PBKDF2 stays readable so older hashes upgrade at the next login.
PASSWORD_HASHERS = [
    "fivestar.core.hashers.OwaspArgon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.Argon2PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "fivestar.core.password_validators.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},  # Chinese message
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Login throttling (web login and POST /api/v1/auth/token), see fivestar.core.login_throttle: 5 failures
# for one user name from one address, or 20 from one address whatever the user names, lock for 15 minutes.
# Never by user name alone, so nobody can lock someone else's account from elsewhere.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_ADDRESS_FAILURE_LIMIT = int(os.environ.get("AXES_ADDRESS_FAILURE_LIMIT", "20"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"], "ip_address"]
AXES_HANDLER = "fivestar.core.login_throttle.AddressAwareHandler"
AXES_LOCKOUT_CALLABLE = "fivestar.core.login_throttle.lockout_response"
AXES_CLIENT_IP_CALLABLE = "fivestar.core.ratelimit.client_ip"  # honours USE_X_FORWARDED_FOR like the rest
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# API tokens expire this many hours after they are issued (default 7 days).
API_TOKEN_TTL_HOURS = float(os.environ.get("API_TOKEN_TTL_HOURS", "168"))

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(50 * 1024 * 1024)))

# Uploaded .xlsx files are checked against these before openpyxl reads them (fivestar/core/xlsx.py).
XLSX_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("XLSX_MAX_UNCOMPRESSED_BYTES", str(30 * 1024 * 1024)))
XLSX_MAX_PART_BYTES = int(os.environ.get("XLSX_MAX_PART_BYTES", str(5 * 1024 * 1024)))  # styles, theme, …
XLSX_MAX_COMPRESSION_RATIO = int(os.environ.get("XLSX_MAX_COMPRESSION_RATIO", "200"))
XLSX_MAX_MEMBERS = int(os.environ.get("XLSX_MAX_MEMBERS", "500"))
XLSX_MAX_CELL_CHARS = int(os.environ.get("XLSX_MAX_CELL_CHARS", "32767"))  # Excel's own maximum
XLSX_MAX_ROWS = int(os.environ.get("XLSX_MAX_ROWS", "100000"))
XLSX_MAX_COLUMNS = int(os.environ.get("XLSX_MAX_COLUMNS", "200"))
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# A background job (a round opening, a division import) whose worker has not reported for this many
# seconds is shown as 已停滞 and resumed by the next `fivestar worker` (or `fivestar resume-jobs`).
EXPORT_RETENTION_DAYS = int(os.environ.get("FIVESTAR_EXPORT_RETENTION_DAYS", "30"))  # exported files, then removed
JOB_STALL_SECONDS = int(os.environ.get("FIVESTAR_JOB_STALL_SECONDS", "300"))
ROUND_OPEN_BATCH = int(os.environ.get("FIVESTAR_ROUND_OPEN_BATCH", "2000"))

SIMPLE_HISTORY_HISTORY_ID_USE_UUID = False
SIMPLE_HISTORY_REVERT_DISABLED = True

PAGE_SIZE = 50

# Behind a trusted reverse proxy, take the client address for rate limits (public objections) from the
# right-most X-Forwarded-For entry; never enable it when clients can reach gunicorn directly.
USE_X_FORWARDED_FOR = os.environ.get("USE_X_FORWARDED_FOR", "0") == "1"

# Per-address limits on what is reachable without logging in (public pages, the objection form, login, the API token):
# the defaults are in fivestar/core/ratelimit.py; override with e.g. FIVESTAR_RATE_LIMITS="login=100/300,objection=30/600"
# (name=requests/seconds; requests 0 turns a limit off).
FIVESTAR_RATE_LIMITS = {
    name: (int(value.split("/")[0]), int(value.split("/")[1]))
    for name, _, value in (item.partition("=") for item in env_list("FIVESTAR_RATE_LIMITS"))
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
