"""Settings shared by every environment. Environment variables are read only through `env`."""

import os
from collections.abc import MutableMapping
from pathlib import Path

from datetime import timedelta

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from xinfang.config.env import PROJECT_ROOT, env


def read_env_file(path: Path, environ: MutableMapping[str, str]) -> list[str]:
    """Put the `NAME=value` lines of a .env file into `environ`; return the names it set.

    A variable already in the real environment wins (the service's own settings override the file). Blank
    lines and `#` comments are skipped, `export ` is allowed, one pair of matching quotes around the value is
    removed; nothing is expanded. Anything else is an error naming the line, never silently ignored.
    """
    names = []
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, equals, value = line.removeprefix("export ").partition("=")
        name, value = name.strip(), value.strip()
        if not equals or not name.isidentifier():
            raise ImproperlyConfigured(f"{path}:{number}: 应为 NAME=value (expected NAME=value): {raw!r}")
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        if name not in environ:
            environ[name] = value
            names.append(name)
    return names


# .env (see .env.example) in the project folder, or the file XINFANG_ENV_FILE names ("" reads none). It is read
# before any setting below, so each can come from it. DJANGO_SETTINGS_MODULE cannot: it chooses this module.
ENV_FILE = env.str("XINFANG_ENV_FILE", str(PROJECT_ROOT / ".env"))
if ENV_FILE and Path(ENV_FILE).is_file():
    read_env_file(Path(ENV_FILE), os.environ)

PACKAGE_DIR = Path(__file__).resolve().parents[2]
DATA_DIR = env.path("XINFANG_DATA_DIR", PROJECT_ROOT / "var")

SECRET_KEY = env.str("SECRET_KEY", "insecure-development-key-change-me")
# Key for field-level encryption of personal data (base64 of 32 bytes, or any passphrase).
XINFANG_DATA_KEY = env.str("XINFANG_DATA_KEY", "insecure-development-data-key")
# Keys replaced by a rotation: data sealed under them still opens (each ciphertext names its key).
XINFANG_RETIRED_DATA_KEYS = env.list("XINFANG_RETIRED_DATA_KEYS", [])
# Key of the blind indexes (ID number, phone, name) and of the text index; "" = XINFANG_DATA_KEY. The stored indexes
# are made with it, so set it to the data key's value BEFORE the first rotation and never change it (docs/SECURITY.md).
XINFANG_INDEX_KEY = env.str("XINFANG_INDEX_KEY", "")
if XINFANG_RETIRED_DATA_KEYS and not XINFANG_INDEX_KEY:
    raise ImproperlyConfigured("已设置 XINFANG_RETIRED_DATA_KEYS（轮换过数据密钥），必须同时把 XINFANG_INDEX_KEY 设为原数据密钥，"
                               "否则按证件号码、电话的查找失效 (set XINFANG_INDEX_KEY to the first data key).")
# Cipher of new ciphertexts: aes-256-gcm, or sm4-gcm (商用密码 SM4, GB/T 32907). Data sealed with the other keeps
# opening; `xinfang keys rotate` re-encrypts it.
XINFANG_CIPHER = env.str("XINFANG_CIPHER", "aes-256-gcm").strip().lower()
if XINFANG_CIPHER not in ("aes-256-gcm", "sm4-gcm"):
    raise ImproperlyConfigured(f"XINFANG_CIPHER 只能是 aes-256-gcm 或 sm4-gcm，现为 {XINFANG_CIPHER!r} (unknown cipher).")
if XINFANG_CIPHER == "sm4-gcm":
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

    try:  # some OpenSSL builds leave SM4 out: refuse to start rather than fail at the first save
        Cipher(algorithms.SM4(bytes(16)), modes.GCM(bytes(12))).encryptor()
    except UnsupportedAlgorithm:
        raise ImproperlyConfigured("此服务器的 OpenSSL 不支持 SM4，不能使用 XINFANG_CIPHER=sm4-gcm (OpenSSL lacks SM4).") from None
# Key of the audit chain's HMAC and of its checkpoints' signatures; kept apart from the database (and its backups),
# so whoever can edit the database cannot reseal a rewritten event (src/xinfang/audit/chain.py).
XINFANG_AUDIT_KEY = env.str("XINFANG_AUDIT_KEY", "insecure-development-audit-key")
# Signed checkpoints of the audit chain go here, outside the database: best a disk or mount its users cannot write.
XINFANG_AUDIT_ANCHOR_DIR = env.path("XINFANG_AUDIT_ANCHOR_DIR", DATA_DIR / "audit-anchors")
# A checkpoint is also written after the commit that brings the chain past each multiple of this; 0 = only the timer.
XINFANG_AUDIT_CHECKPOINT_EVERY = env.int("XINFANG_AUDIT_CHECKPOINT_EVERY", 1000)
# Audit events older than this may be deleted by `xinfang audit purge`; never under 183 days (6 months, issue 19).
XINFANG_AUDIT_RETENTION_DAYS = env.int("XINFANG_AUDIT_RETENTION_DAYS", 1095)
if XINFANG_AUDIT_RETENTION_DAYS < 183:
    raise ImproperlyConfigured(f"XINFANG_AUDIT_RETENTION_DAYS={XINFANG_AUDIT_RETENTION_DAYS}：审计日志至少保存 183 天（6 个月）"
                               " (audit retention must be at least 183 days)")
# The worker verifies the whole audit chain this often and notifies the 安全审计员 of a failure.
XINFANG_AUDIT_VERIFY_HOURS = env.int("XINFANG_AUDIT_VERIFY_HOURS", 24)
# Petitioners' personal data is anonymised this many years after their matters finished (docs/PRIVACY.md).
XINFANG_PERSONAL_DATA_RETENTION_YEARS = env.int("XINFANG_PERSONAL_DATA_RETENTION_YEARS", 10)
DEBUG = env.bool("DEBUG", False)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "csp",
    # django-ninja renders /api/v1/docs from its own template and static Swagger UI files when it is an
    # installed app (otherwise it links swagger-ui from a public CDN, which an intranet cannot reach).
    "ninja",
    # Django's tasks API (django-tasks) with its database backend: the worker is `xinfang worker`.
    "django_tasks",
    "django_tasks_db",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "xinfang.orgs",
    "xinfang.audit",
    "xinfang.calendars",
    "xinfang.petitions",
    "xinfang.workflow",
    "xinfang.notices",
    "xinfang.exchange",
    "xinfang.similarity",
    "xinfang.matching",
    "xinfang.stats",
    "xinfang.supervision",
    "xinfang.prevention",
    "xinfang.quality",
    "xinfang.receptions",
    "xinfang.order",
    "xinfang.publicity",
    "xinfang.reports",
    "xinfang.portal",
    "xinfang.privacy",
    "xinfang.operations",
    "xinfang.notifications",
    "xinfang.api",
    "xinfang.demo",
    "xinfang.web",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files keep their long cache), before everything that can answer a request.
    "xinfang.web.middleware.NoStoreMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",  # request.user.is_verified(): the second factor (web.two_factor)
    # Deny by default: every page needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Idle and absolute session limits (web.sessions): after authentication and messages, before any view.
    "xinfang.web.sessions.SessionLimitMiddleware",
    "xinfang.web.two_factor.TwoFactorMiddleware",
    "xinfang.web.separation.SystemRoleMiddleware",  # 三权分立: system roles open their own pages only
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "xinfang.audit.middleware.RequestOriginMiddleware",
    # Last, as django-axes requires: it turns a lockout flagged during login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "xinfang.config.urls"
WSGI_APPLICATION = "xinfang.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                # The banner "演示数据仍在后台生成" while `xinfang demo` completes its data (false otherwise).
                "xinfang.demo.background.demo_background",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'xinfang.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The default database lives under the data folder; make sure it exists.
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    # WAL lets readers work while a clerk registers; IMMEDIATE makes writers queue
    # instead of failing with "database is locked" when two clerks save at once.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
# A PostgreSQL streaming replica for the statistics pages (docs/SCALING.md); writes always go to "default".
if env.str("XINFANG_REPLICA_URL", ""):
    DATABASES["replica"] = dj_database_url.parse(env.str("XINFANG_REPLICA_URL"),
                                                 conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 0))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}  # tests read the test database, not a replica
DATABASE_ROUTERS = ["xinfang.config.routers.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "orgs.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "petition-list"
LOGOUT_REDIRECT_URL = "login"
# django-axes first: it refuses a locked-out username+IP before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login throttling (docs/SECURITY.md): after this many failed logins for one username from one IP address,
# that pair is refused for the cool-off time, even with the right password. Failures during a lockout
# restart the cool-off; a successful login clears the count.
AXES_FAILURE_LIMIT = env.int("XINFANG_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("XINFANG_LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "xinfang.web.lockout.lockout_response"
# Logins and failures are already in the hash-chained audit log; axes keeps only its failure counters.
AXES_DISABLE_ACCESS_LOG = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "xinfang.orgs.passwords.CharacterClassesValidator"},  # 3 of 4 character classes
]

LANGUAGE_CODE = "zh-hans"
FORMAT_MODULE_PATH = ["xinfang.config.formats"]  # ISO dates first, for <input type="date"> (formats/zh_Hans)
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "staticfiles"
# Third-party browser assets come from npm packages that scripts/setup.sh installs;
# they are served by the app itself (no CDN on a government intranet).
NODE_MODULES = env.path("XINFANG_NODE_MODULES", PROJECT_ROOT / "node_modules")
STATICFILES_DIRS = [
    ("vendor/htmx", NODE_MODULES / "htmx.org" / "dist"),
]
# Single files from bigger npm packages (xinfang.web.staticfinders): {static path: path in node_modules}.
VENDOR_FILES = {"vendor/echarts/echarts.min.js": "echarts/dist/echarts.min.js"}
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
    "xinfang.web.staticfinders.VendorFileFinder",
]
STORAGES = {
    "default": {"BACKEND": "xinfang.petitions.storage.DurableFileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day
# A session also ends after this long without a request, and this long after login (xinfang.web.sessions).
XINFANG_SESSION_IDLE_MINUTES = env.int("XINFANG_SESSION_IDLE_MINUTES", 30)
XINFANG_SESSION_MAX_HOURS = env.int("XINFANG_SESSION_MAX_HOURS", 8)
# Two factors (TOTP) for these roles and superusers, when enforced (production settings turn it on).
XINFANG_2FA_ENFORCED = env.bool("XINFANG_2FA_ENFORCED", False)
XINFANG_2FA_ROLES = env.list("XINFANG_2FA_ROLES", default=["administrator", "reviewer", "supervisor", "leader"])
OTP_TOTP_ISSUER = "法治信访"
# Pages send the token in a header set from the template (hx-headers), so no script needs the cookie.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): only the app's own files run; no inline script or style except by
# the per-request nonce (templates: nonce="{{ request.csp_nonce }}"). The API docs page relaxes it
# (config/urls.py). htmx is told not to inject its indicator <style> (web/base.html; app.css has the rules).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
        "base-uri": [SELF],
    },
}

# Upload limits: attachments are checked by content; this is the per-file ceiling.
XINFANG_ATTACHMENT_MAX_BYTES = env.int("XINFANG_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# Practice: a visit by this many persons or more is a 集体访 (docs/REGULATION.md: configurable).
XINFANG_GROUP_VISIT_THRESHOLD = env.int("XINFANG_GROUP_VISIT_THRESHOLD", 5)
# Local policy (TOML) layered over the statutory clocks of workflow/default_policy.toml.
XINFANG_POLICY_FILE = env.str("XINFANG_POLICY_FILE", "")
# Folder of an office's own notice templates (<kind>.docx), used instead of the shipped ones (docs/NOTICES.md).
XINFANG_NOTICE_TEMPLATE_DIR = env.str("XINFANG_NOTICE_TEMPLATE_DIR", "")
# Art 20: at most five representatives speak for a group.
XINFANG_MAX_REPRESENTATIVES = 5

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "WARNING")},
}

# Import limits (docs/IMPORT.md; defaults as in exchange/limits.py): rows a file may have, and bad rows after which
# the check stops listing errors.
XINFANG_IMPORT_MAX_ROWS = env.int("XINFANG_IMPORT_MAX_ROWS", 200_000)
XINFANG_IMPORT_MAX_ERRORS = env.int("XINFANG_IMPORT_MAX_ERRORS", 1_000)

# Background work (docs/ARCHITECTURE.md): imports from the upload page run as exchange.ImportJob rows in a
# daemon thread of the web process ("thread"); "inline" runs them inside the request (tests).
XINFANG_IMPORT_JOBS = env.str("XINFANG_IMPORT_JOBS", "thread")

# Tasks (django-tasks; docs/SUPERVISION.md): queued in the database (django-tasks-db), run by `xinfang worker`.
TASKS = {"default": {"BACKEND": env.str("XINFANG_TASK_BACKEND", "django_tasks_db.DatabaseBackend")}}
# The worker scans deadlines for warnings this often (and `xinfang deadlines scan` does it from cron).
XINFANG_WARNING_SCAN_MINUTES = env.int("XINFANG_WARNING_SCAN_MINUTES", 15)
# E-mail of notifications: written to files under var/mail unless a real backend (smtp) is configured.
EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env.path("EMAIL_FILE_PATH", DATA_DIR / "mail")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "xinfang@localhost")
# SMS gateway (xinfang.notifications.sms): a class with send(phone, text); the default only logs.
XINFANG_SMS_BACKEND = env.str("XINFANG_SMS_BACKEND", "xinfang.notifications.sms.LoggingSmsBackend")
# Links in e-mail and SMS point here.
XINFANG_SITE_URL = env.str("XINFANG_SITE_URL", "http://127.0.0.1:8000")
