"""Settings for the Lokaal Circulair portal.

One file; everything that differs between machines comes from the environment (see
`.env.example`). Defaults are the safe ones: no DEBUG unless asked, SQLite when no database
is configured.
"""

import importlib.util
import os
import sys
from pathlib import Path

import environ
import xstatic.pkg.bootstrap
import xstatic.pkg.leaflet
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env_file = BASE_DIR / ".env"
if env_file.exists():
    environ.Env.read_env(env_file)


def _bool(name: str, default: bool) -> bool:
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be true or false, not {raw!r}.")


def _str(name: str, default: str) -> str:
    """A string setting; set-but-empty counts as unset, as in `.env.example`."""
    return env.str(name, default="").strip() or default


def _int(name: str, default: int, minimum: int = 0) -> int:
    raw = env.str(name, default="").strip()
    if raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}.") from None
    if value < minimum:
        raise ImproperlyConfigured(f"{name} must be at least {minimum}, not {value}.")
    return value


DEBUG = _bool("DJANGO_DEBUG", False)

SECRET_KEY = _str("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "dev-only-insecure-key-never-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured(
            "Set DJANGO_SECRET_KEY to a long random string (or DJANGO_DEBUG=true on a "
            "development machine)."
        )

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

# The public address of the site, used in e-mails and feeds where no request is at hand.
SITE_URL = _str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
if not SITE_URL.startswith(("http://", "https://")):
    raise ImproperlyConfigured("SITE_URL must start with http:// or https://.")
# The authority in feed entry ids and calendar UIDs. Set it once and never change it, or feed
# readers and calendars see every item as new. Default: the host of SITE_URL.
VOLGEN_TAG_AUTHORITY = _str("VOLGEN_TAG_AUTHORITY", "")
# Days after a workshop or coaching moment before its unpublished report counts as overdue
# (the manager's follow-up page and the coaches' daily reminders).
REMINDER_AFTER_DAYS = _int("REMINDER_AFTER_DAYS", 14)
# Days a participant's sign-off link stays valid (coach/goedkeuring.py).
SIGNOFF_LINK_DAYS = _int("SIGNOFF_LINK_DAYS", 14, minimum=1)

INSTALLED_APPS = [
    "lokaal.admin_site.ProgrammaAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.syndication",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks_db",
    "lokaal",
    "besturen",
    "trajecten",
    "workshops",
    "coach",
    "volgen",
    "portaal",
    "programma",
]

MIDDLEWARE = [
    # The project's own layer, first: request id and log line, body size limit (413 before
    # anything reads the body), CSP, canonical public URLs and what the proxy may keep,
    # simple_history's user (lokaal/middleware.py).
    "lokaal.middleware.SiteMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # (axes' lockout page is added by the two login views: lokaal.accounts.with_lockout)
    # Last: a GET whose query the database dropped (a restart) is retried once, else a 503.
    "lokaal.middleware.DatabaseUnavailableMiddleware",
]

# The debug toolbar, on a development machine only: DEBUG on, the package installed (`make run`
# installs the `debug` group; production installs never have it), and not under tests.
TESTING = "PYTEST_VERSION" in os.environ or sys.argv[1:2] == ["test"]
DEBUG_TOOLBAR = DEBUG and not TESTING and importlib.util.find_spec("debug_toolbar") is not None
if DEBUG_TOOLBAR:
    INSTALLED_APPS.append("debug_toolbar")
    # After the request log, before the page cache: a page is stored without the toolbar.
    MIDDLEWARE.insert(1, "debug_toolbar.middleware.DebugToolbarMiddleware")
    INTERNAL_IPS = ["127.0.0.1", "::1"]

ROOT_URLCONF = "lokaal.urls"
WSGI_APPLICATION = "lokaal.wsgi.application"

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
                "portaal.context_processors.portal",
            ],
        },
    },
]

# Database: SQLite by default, PostgreSQL (psycopg 3) when DATABASE_URL says so.
DATABASE_URL = _str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
if not DATABASE_URL.startswith(("sqlite:", "postgres:", "postgresql:", "pgsql:")):
    raise ImproperlyConfigured(
        "DATABASE_URL must be a sqlite:/// or postgres:// address, "
        f"not {DATABASE_URL.split(':', 1)[0]!r}."
    )
try:
    _database = env.db_url_config(DATABASE_URL)
except Exception as exc:
    raise ImproperlyConfigured(f"DATABASE_URL could not be read: {exc}") from exc
if _database["ENGINE"] == "django.db.backends.postgresql":
    _database["CONN_HEALTH_CHECKS"] = True
    _database.setdefault("OPTIONS", {})["connect_timeout"] = _int("DATABASE_CONNECT_TIMEOUT", 5, 1)
    # DATABASE_POOL_SIZE > 0: psycopg's pool per process. A request waits up to
    # DATABASE_POOL_TIMEOUT seconds for a connection, so a database restart costs waiting
    # requests time rather than errors. Otherwise: one persistent connection per thread.
    _pool_size = _int("DATABASE_POOL_SIZE", 0)
    if _pool_size:
        from psycopg_pool import ConnectionPool

        _database["CONN_MAX_AGE"] = 0
        _database["OPTIONS"]["pool"] = {
            "min_size": 1,
            "max_size": _pool_size,
            "timeout": _int("DATABASE_POOL_TIMEOUT", 10, minimum=1),
            # A connection handed out is checked first, so one left broken by a database
            # restart is replaced instead of failing the request that gets it.
            "check": ConnectionPool.check_connection,
        }
    else:
        _database["CONN_MAX_AGE"] = _int("DATABASE_CONN_MAX_AGE", 60)
DATABASES = {"default": _database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache: Redis when REDIS_URL is set, otherwise the local memory of each process. Redis holds
# the abuse limits' counters and template fragments, nothing a request cannot do without: short
# timeouts and a circuit breaker keep a hung or stopped Redis from slowing pages (lokaal/cache.py).
REDIS_URL = _str("REDIS_URL", "")
CACHE_TIMEOUT_MS = _int("CACHE_TIMEOUT_MS", 200, minimum=10)
CACHE_BREAKER_SECONDS = _int("CACHE_BREAKER_SECONDS", 5, minimum=1)
if REDIS_URL:
    if not REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("REDIS_URL must start with redis://, rediss:// or unix://.")
    CACHES = {
        "default": {
            "BACKEND": "lokaal.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            # Several sites (or a benchmark beside a real site) may share one Redis database.
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="lokaal"),
        }
    }
else:
    # Per process: development and tests. Room for the fragments of many pages and their
    # generation tokens (lokaal/fragmenten.py), so that culling does not make them miss.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }

# The public pages are cached by the reverse proxy, not here (docs/performance.md,
# deploy/nginx.conf). lokaal.middleware.PublicPages tells it which responses it may keep
# (X-Accel-Expires) and for how long: a published change shows within this many seconds.
PUBLIC_CACHE_SECONDS = _int("PUBLIC_CACHE_SECONDS", 15, minimum=0)
# The public pages by URL name, each with the query parameters it understands, in the order
# its filter form sends them. Any other parameter is answered with a 301 to the URL without it
# (before any rendering), so a page has a bounded number of variants for the proxy to keep.
# URLs not listed here (coach workspace, admin, accounts, follow forms, health) are left alone
# and never kept by the proxy.
PUBLIC_PAGES = {
    "portaal:home": (),
    "portaal:rondes": (),
    "portaal:ronde": ("pagina",),
    "portaal:vergelijk": ("ronde",),
    "portaal:kaart": ("ronde",),
    "portaal:zoeken": ("q", "pagina"),
    "portaal:open_data": ("ronde",),
    "portaal:open_data_catalogue_jsonld": (),
    "portaal:open_data_catalogue_turtle": (),
    "portaal:open_data_csv": ("ronde",),
    "portaal:open_data_csvw": ("ronde",),
    "portaal:open_data_json": ("ronde",),
    "besturen:list": ("ronde", "soort", "provincie", "pagina"),
    "besturen:detail": ("pagina",),
    "trajecten:list": ("ronde", "soort", "status", "provincie", "actiedomein", "pagina"),
    "trajecten:detail": (),
    "workshops:detail": (),
    "volgen:programma_rss": ("ronde",),
    "volgen:programma_atom": ("ronde",),
    "volgen:bestuur_rss": (),
    "volgen:bestuur_atom": (),
    "volgen:traject_rss": (),
    "volgen:traject_atom": (),
    "volgen:kalender": (),
    "volgen:kalender_ics": (),
    "volgen:traject_ics": (),
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "coach:dashboard"
LOGOUT_REDIRECT_URL = "/"

# Failed logins: lock the account-and-address pair for a while after repeated failures.
AXES_FAILURE_LIMIT = _int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = _int("AXES_COOLOFF_MINUTES", 15, minimum=1) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_ENABLED = _bool("AXES_ENABLED", True)
AXES_VERBOSE = False
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429

# Abuse limits (lokaal/limits.py), counted in the shared cache so they hold across instances.
# Each is "count/period" (s, m, h, d; e.g. 20/15m). A request over a limit gets a 429 page that
# says when to retry. Login attempts are counted before the password is checked.
RATE_LIMITS = {
    "login_address": _str("LIMIT_LOGIN_PER_ADDRESS", "30/15m"),
    "login_username": _str("LIMIT_LOGIN_PER_USERNAME", "10/15m"),
    "reset_address": _str("LIMIT_RESET_PER_ADDRESS", "10/h"),
    "reset_mailbox": _str("LIMIT_RESET_PER_MAILBOX", "3/h"),
    "follow_address": _str("LIMIT_FOLLOW_PER_ADDRESS", "10/h"),
    "follow_mailbox": _str("LIMIT_FOLLOW_PER_MAILBOX", "3/h"),
    "signoff_address": _str("LIMIT_SIGNOFF_PER_ADDRESS", "30/h"),
}
RATE_LIMITS_ENABLED = _bool("RATE_LIMITS", True)
RATELIMIT_CACHE_PREFIX = "rl:"
RATELIMIT_FAIL_OPEN = True
# Behind N reverse proxies (each appending to X-Forwarded-For) the client address is the Nth
# entry from the right; 0: REMOTE_ADDR, for an instance that clients reach directly.
PROXY_COUNT = _int("DJANGO_PROXY_COUNT", 0)
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]
)

# Mail leaves outside the request: a task stored in the database, run by `manage.py
# db_worker` (started by `make run` and in production, see docs/deploy.md).
TASKS = {
    "default": {
        "BACKEND": _str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LANGUAGE_CODE = "nl-be"
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
# Dutch for what the packages' own catalogues leave in English (compiled by `make install`).
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(_str("DJANGO_MEDIA_ROOT", str(BASE_DIR / "media")))

# Bootstrap and Leaflet come from their packaged copies, served as our own static files.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("vendor/bootstrap", xstatic.pkg.bootstrap.BASE_DIR),
    ("vendor/leaflet", xstatic.pkg.leaflet.BASE_DIR),
]
STORAGES = {
    # Uploads are written under a temporary name and renamed when complete (lokaal/storage.py).
    "default": {"BACKEND": "lokaal.storage.AtomicFileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_MAX_AGE = 60 * 60 * 24 * 365

# Uploads: a hard limit per attachment in megabytes (MAX_UPLOAD_MB, default 10). A larger file
# is refused with a message in the form; the content is checked too (workshops/uploads.py).
MAX_UPLOAD_MB = _int("MAX_UPLOAD_MB", 10, minimum=1)

# Progress (trajecten/voortgang.py): inside a running round, a moment whose date passed more
# than this many days ago without being held or cancelled reads "achter op planning".
BEHIND_PLAN_GRACE_DAYS = _int("BEHIND_PLAN_GRACE_DAYS", 14)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# A request body larger than this is refused from its Content-Length before it is read (413):
# one upload plus room for the form around it.
MAX_REQUEST_BYTES = MAX_UPLOAD_MB * 1024 * 1024 + 1024 * 1024
# Images with more pixels than this are refused from their header, before decoding.
MAX_IMAGE_PIXELS = _int("MAX_IMAGE_MEGAPIXELS", 40, minimum=1) * 1_000_000
# An image longer than this on its long side keeps its original for coaches; public pages get a
# copy downscaled to this size (workshops/uploads.py).
PUBLIC_IMAGE_MAX_SIDE = _int("PUBLIC_IMAGE_MAX_SIDE", 2000, minimum=100)
FILE_UPLOAD_PERMISSIONS = 0o640

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: printed to the console unless an SMTP server is configured (Django 6.1 mailers).
EMAIL_HOST = _str("EMAIL_HOST", "")
if EMAIL_HOST:
    MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": EMAIL_HOST,
                "port": _int("EMAIL_PORT", 587, minimum=1),
                "username": env.str("EMAIL_HOST_USER", default=""),
                "password": env.str("EMAIL_HOST_PASSWORD", default=""),
                "use_tls": _bool("EMAIL_USE_TLS", True),
                "timeout": _int("EMAIL_TIMEOUT", 10, minimum=1),
            },
        }
    }
else:
    MAILERS = {"default": {"BACKEND": "django.core.mail.backends.console.EmailBackend"}}
del EMAIL_HOST
DEFAULT_FROM_EMAIL = _str("DEFAULT_FROM_EMAIL", "Lokaal Circulair <noreply@localhost>")

# Security headers. HTTPS-only settings follow DJANGO_SECURE (on by default when DEBUG is off).
SECURE = _bool("DJANGO_SECURE", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Database sessions that read as empty while the database is down (lokaal/sessions.py).
SESSION_ENGINE = "lokaal.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _int("SESSION_IDLE_MINUTES", 120, minimum=5) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_COOKIE_SECURE = SECURE
CSRF_COOKIE_SECURE = SECURE
CSRF_COOKIE_HTTPONLY = True
# A refused form gets a Dutch page that needs no database (lokaal/errors.py).
CSRF_FAILURE_VIEW = "lokaal.errors.csrf_failure"
SECURE_SSL_REDIRECT = SECURE and _bool("DJANGO_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Load balancers probe /healthz over plain HTTP: it answers there instead of redirecting.
SECURE_REDIRECT_EXEMPT = [r"^healthz"]
SECURE_HSTS_SECONDS = 31_536_000 if SECURE else 0
# Subdomains and the browsers' preload list are commitments an operator opts into.
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE and _bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = SECURE and _bool("DJANGO_HSTS_PRELOAD", False)
# `check --deploy` asks for both; leaving them off is the operator's choice, not an oversight.
SILENCED_SYSTEM_CHECKS = [
    *([] if SECURE_HSTS_INCLUDE_SUBDOMAINS else ["security.W005"]),
    *([] if SECURE_HSTS_PRELOAD else ["security.W021"]),
    # axes' middleware is not installed: the two login views add its lockout page themselves
    # (lokaal.accounts.with_lockout), so no other request pays for it.
    "axes.W002",
]

MAP_TILE_URL = _str("MAP_TILE_URL", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
MAP_TILE_ATTRIBUTION = _str(
    "MAP_TILE_ATTRIBUTION",
    '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>-bijdragers',
)


def _tile_origin(url: str) -> str:
    """The CSP source for a tile URL; a placeholder in the host ({s}) becomes a wildcard."""
    scheme, sep, rest = url.partition("://")
    if scheme not in {"http", "https"} or not sep or not rest.split("/", 1)[0]:
        raise ImproperlyConfigured("MAP_TILE_URL must be an http(s):// address, or empty.")
    labels = rest.split("/", 1)[0].split(".")
    if "{" in labels[0]:
        labels[0] = "*"
    if any("{" in label for label in labels):
        raise ImproperlyConfigured("MAP_TILE_URL may only use a placeholder in its first label.")
    return f"{scheme}://{'.'.join(labels)}"


SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", *([_tile_origin(MAP_TILE_URL)] if MAP_TILE_URL else [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Logs go to stdout, one line per record, each with the id of the request it belongs to.
# lokaal.request writes one line per request (see lokaal/middleware.py); the probes under
# REQUEST_LOG_QUIET_PATHS are logged only when they fail.
REQUEST_LOG_QUIET_PATHS = ["/healthz", "/static/"]
LOG_LEVEL = env.str("DJANGO_LOG_LEVEL", default="INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(
        f"DJANGO_LOG_LEVEL must be DEBUG, INFO, WARNING, ERROR or CRITICAL, not {LOG_LEVEL!r}."
    )
# text: one readable line per record; json: one JSON object per line, for a log collector.
# Both carry a record's structured fields (lokaal/logformat.py).
LOG_FORMAT = _str("DJANGO_LOG_FORMAT", "text").lower()
if LOG_FORMAT not in {"text", "json"}:
    raise ImproperlyConfigured(f"DJANGO_LOG_FORMAT must be text or json, not {LOG_FORMAT!r}.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "lokaal.logformat.RequestIdFilter"}},
    "formatters": {
        "text": {
            "class": "lokaal.logformat.LineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s",
        },
        "json": {"class": "lokaal.logformat.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "filters": ["request_id"],
            "formatter": LOG_FORMAT,
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # Our own request line replaces runserver's and Django's 4xx warnings.
    "loggers": {
        "django.server": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
    },
}
