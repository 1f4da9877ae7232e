"""The one settings module. Production differs from development only by environment
variables; README.md lists them. Every value is read through ``config.env``, which stops
start-up with a one-line message on a bad value."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

from celery.schedules import crontab
from csp import constants as csp
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from config.env import (
    env_bool,
    env_choice,
    env_database,
    env_int,
    env_list,
    env_redis_url,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env_str("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off (or set DEBUG=true for development).")
    SECRET_KEY = "development-only-key-never-use-in-production"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "csp",
    "auditlog",
    "core",
    "petitions",
    "mediation",
    "accountability",
    "patrols",
    "reports",
    "duty",
    "open311",
    "apitokens",
    "desk",
    "twofactor",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.DeskLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Logs each use of a personal API token (apitokens).
    "apitokens.middleware.ApiTokenUseMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "twofactor.middleware.SecondFactorMiddleware",
    # Who made each change, for the audit trail (core/audit.py).
    "core.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.desk",
            ],
        },
    },
]

# --- Database: a SQLite file under var/ unless DATABASE_URL says otherwise -------------
DB_CONN_MAX_AGE = env_int("DB_CONN_MAX_AGE", 60, minimum=0)
DATABASES = {
    "default": env_database(
        "DATABASE_URL",
        f"sqlite:///{VAR_DIR / 'desk.sqlite3'}",
        conn_max_age=DB_CONN_MAX_AGE,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The web server and the embedded job runner write to the same file: WAL lets readers
    # go on while one writes, IMMEDIATE takes the write lock up front instead of failing
    # half-way through a transaction, and the timeout waits for the lock.
    # A connection is kept across requests as on PostgreSQL: opening one (and its PRAGMAs) is
    # ~1 ms of a 15 ms page; WAL lets a kept connection see what others committed.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: unset means embedded mode (no server needed) -------------------------------
REDIS_URL = env_redis_url("REDIS_URL")
EMBEDDED = not REDIS_URL

if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    # Files under var/: shared by every web worker and the job runner, no server needed.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }

# --- Celery -----------------------------------------------------------------------------
# Production: Redis is the broker, `celery worker` and `celery beat` run as two services.
# Embedded: kombu's filesystem transport passes messages through files under var/celery,
# and `celery worker -B` runs the scheduler inside the worker. No server to install.
CELERY_FILESYSTEM_DIR = Path(env_str("CELERY_FILESYSTEM_DIR", str(VAR_DIR / "celery")))
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    # A web request must not hang on an unreachable Redis: connect fast, retry little. What
    # was not handed over is picked up from the database (notifications) or by the next beat.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600, "socket_connect_timeout": 3}
else:
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT = "config.broker:AtomicFilesystemTransport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(CELERY_FILESYSTEM_DIR / "queue"),
        "data_folder_out": str(CELERY_FILESYSTEM_DIR / "queue"),
        "control_folder": str(CELERY_FILESYSTEM_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5, "interval_max": 1}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_QUEUE", "desk")
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TIMEZONE = "Asia/Shanghai"
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "job-runner-heartbeat": {"task": "core.tasks.record_heartbeat", "schedule": 60.0},
    "deliver-pending-notifications": {"task": "core.tasks.deliver_pending_notifications", "schedule": 300.0},
    "deadline-sweep": {"task": "petitions.tasks.deadline_sweep", "schedule": crontab(minute=30, hour=5)},
    # After the sweep, so the day's list has the night's reds in it.
    "candidate-lists": {
        "task": "accountability.tasks.build_candidate_lists",
        "schedule": crontab(minute=45, hour=5),
    },
    "weekly-circular": {"task": "reports.tasks.weekly_circular", "schedule": crontab(minute=0, hour=8, day_of_week=1)},
    "monthly-analysis": {
        "task": "reports.tasks.monthly_analysis",
        "schedule": crontab(minute=0, hour=6, day_of_month=1),
    },
}

# --- Accounts ---------------------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
# The lockout check (django-axes) must come first: it refuses a locked-out login before
# the password is even tried.
AUTHENTICATION_BACKENDS = ["core.auth.LockoutBackend", "core.auth.DeskBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "core.security.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "core.security.LettersAndDigitsValidator"},
    {"NAME": "core.security.NoPersonalDataValidator"},
]
# Sessions are read from the cache (Redis, or the file cache in embedded mode) and written
# through to the database (core/sessions.py): one query less on every page, nobody logged out
# when the cache empties, and the desk carries on from the database while Redis is down.
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = env_int("SESSION_COOKIE_AGE", 8 * 3600, minimum=300)
# Desk PCs are shared: closing the browser ends the session (the age above still applies).
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)

# Login lockout (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from
# one client address lock that pair for LOGIN_LOCKOUT_MINUTES; an administrator unlocks
# earlier in the admin (Account security). The address follows TRUSTED_PROXIES.
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "core.ratelimit.client_ip"
AXES_USERNAME_CALLABLE = "core.security.login_username"
AXES_LOCKOUT_CALLABLE = "core.views.login_locked"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

# Second factor (django-otp, TOTP): leaders, inspectors and administrators may enrol an
# authenticator app; the roles listed here must (e.g. "admin,leader,inspector").
OTP_REQUIRED_ROLES = frozenset(env_list("OTP_REQUIRED_ROLES", []))
if OTP_REQUIRED_ROLES - {"admin", "leader", "inspector"}:
    raise ImproperlyConfigured("OTP_REQUIRED_ROLES takes only admin, leader and inspector.")
OTP_TOTP_ISSUER = env_str("OTP_ISSUER", "民呼快应")

# --- Language and time --------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Hashed, compressed file names (run `collectstatic` first) whenever DEBUG is off.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if STATIC_MANIFEST
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "desk@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# SMS goes through a pluggable backend (core/sms.py); the default only logs, masked.
SMS_BACKEND = env_str("SMS_BACKEND", "core.sms.LoggingBackend")
# The desk's address as users reach it, for links in e-mail and SMS.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")

# --- HTTPS (behind a TLS-terminating proxy) -----------------------------------------------------
HTTPS = env_bool("HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# The proxy says which requests came in over TLS; plain ones are redirected (except the
# health probe, which monitoring may call on the local address).
SECURE_SSL_REDIRECT = HTTPS and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 365 * 24 * 3600, minimum=0) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# Content Security Policy (django-csp 4): scripts, styles, fonts only from the desk itself,
# no inline script or style attribute, images also as data: URIs (the enrolment QR code).
# Uploads are served with their own stricter policy (sandbox), which this one leaves alone.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        # blob: — photos.js draws the camera's picture from a blob URL to shrink it on the phone.
        "img-src": [csp.SELF, "data:", "blob:"],
        "font-src": [csp.SELF],
        "connect-src": [csp.SELF],
        "manifest-src": [csp.SELF],
        "worker-src": [csp.SELF],
        "object-src": [csp.NONE],
        "frame-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
        "upgrade-insecure-requests": HTTPS,
    },
}

# --- REST framework ---------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Systems send "Authorization: Token <secret>" (apitokens); the browser uses its session.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "apitokens.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    # Counts stop at petitions.pagination.CAP (count_capped says so): never COUNT(*) a million rows.
    "DEFAULT_PAGINATION_CLASS": "petitions.api_pagination.CappedPageNumberPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "config.api.exception_handler",
    "DEFAULT_SCHEMA_CLASS": "config.api.DeskAutoSchema",
    # Requests per API token (sessions are not throttled): "<number>/<second|minute|hour|day>".
    "DEFAULT_THROTTLE_CLASSES": ["apitokens.throttling.ApiTokenRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {"api_token": env_str("API_TOKEN_RATE", "120/minute")},
}

# OpenAPI 3 schema of /api/v1/ (drf-spectacular), served at /api/schema/ with Swagger UI
# (/api/docs/) and Redoc (/api/redoc/) from drf-spectacular-sidecar's static files: no CDN.
SPECTACULAR_SETTINGS = {
    "TITLE": "民呼快应 API",
    "VERSION": "1.0.0",
    "DESCRIPTION": (
        "民呼快应乡镇信访（诉求）工作台的接口（/api/v1/）。\n\n"
        "**认证**：浏览器使用登录会话；外部系统使用管理员签发的个人 API 令牌，"
        "请求头 `Authorization: Token <令牌>`，每个令牌限流。\n\n"
        "**权限**：与页面相同的范围规则；看不到的对象一律返回 404。\n\n"
        '**错误**：所有错误使用同一结构 `Error`：`{"error": {"code": …, "message": …, "fields": {…}}}`；'
        "400 输入无效，401 未认证，403 无权操作，404 不存在或不在范围内，409 版本过期或流程不允许，429 请求过多。\n\n"
        "**办理动作**：每个动作一个 `POST /api/v1/petitions/{tracking_number}/{动作}/`，"
        "请求体带上读取时的 `version`，版本过期返回 409；`Idempotency-Key` 请求头（UUID）使重试只生效一次。"
    ),
    "SERVERS": [{"url": "/", "description": "当前服务器"}, {"url": SITE_URL, "description": "SITE_URL（对外地址）"}],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "PREPROCESSING_HOOKS": ["config.api.only_api_v1"],
    "COMPONENT_SPLIT_REQUEST": True,
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The one error shape of every endpoint (config.api.ErrorSerializer) is the component "Error".
    "ENUM_NAME_OVERRIDES": {
        "PetitionStateEnum": "petitions.states.State",
        "PetitionKindEnum": "petitions.states.Kind",
        "MediationStateEnum": "mediation.states.State",
        "RiskLevelEnum": "mediation.states.RiskLevel",  # the same three levels as patrols' risks
        "MemberKindEnum": "mediation.states.MemberKind",
        "RiskStateEnum": "patrols.models.Risk.State",
        "RiskKindEnum": "patrols.models.Risk.Kind",
        "MeetingLevelEnum": "accountability.states.Level",
        "MeetingStateEnum": "accountability.states.MeetingState",
        "DecisionStateEnum": "accountability.states.DecisionState",
        "SupervisionStateEnum": "accountability.states.SupervisionState",
        "UnitKindEnum": "petitions.models.HandlingUnit.UnitKind",
        "VillageKindEnum": "core.models.Village.Kind",
        "ReportKindEnum": "reports.models.ReportSnapshot.Kind",
        "NotificationKindEnum": "core.models.NotificationKind",
    },
}

# --- Logging -----------------------------------------------------------------------------------
LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# The leaders' dashboard computes the town's figures at most once per this many seconds.
DASHBOARD_CACHE_SECONDS = env_int("DASHBOARD_CACHE_SECONDS", 120, minimum=0)

# A user's case list for one filter is drawn once and kept until a petition (or a name it
# shows) of the town changes, at most this many seconds (petitions/listcache.py); 0 turns it off.
CASE_LIST_CACHE_SECONDS = env_int("CASE_LIST_CACHE_SECONDS", 300, minimum=0)

# --- Personal data at rest (core/crypto.py) ---------------------------------------------------
# Fernet keys, comma-separated: the first encrypts, every one decrypts (rotation). Without
# them both keys are derived from SECRET_KEY, which `check --deploy` flags.
FIELD_ENCRYPTION_KEYS = env_list("FIELD_ENCRYPTION_KEYS", [])
FIELD_HASH_KEY = env_str("FIELD_HASH_KEY", "")
# Closed cases keep their people's details this many days, then `anonymise_closed` removes them.
RETENTION_DAYS = env_int("RETENTION_DAYS", 3 * 365, minimum=30)

# --- Audit trail (django-auditlog, models registered in core/audit.py) ---------------------------
AUDITLOG_STORE_JSON_CHANGES = True
AUDITLOG_MASK_CALLABLE = "core.audit.mask"

# --- Abuse protection on the public pages ---------------------------------------------------
# Addresses of reverse proxies whose X-Forwarded-For may be believed (last hop only).
TRUSTED_PROXIES = frozenset(env_list("TRUSTED_PROXIES", []))
MAILBOX_LIMIT_PER_HOUR = env_int("MAILBOX_LIMIT_PER_HOUR", 5, minimum=1)
STATUS_LIMIT_PER_10_MINUTES = env_int("STATUS_LIMIT_PER_10_MINUTES", 30, minimum=1)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- The desk ----------------------------------------------------------------------------------
# Minutes after which the job runner counts as down on the status panel and /healthz.
JOB_RUNNER_STALE_MINUTES = env_int("JOB_RUNNER_STALE_MINUTES", 5, minimum=1)
