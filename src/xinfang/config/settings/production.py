"""Production: every secret must come from the environment and be a real one; HTTPS throughout.

`xinfang check --deploy` passes without warnings with these settings (tests/web/test_security_settings.py).
"""

from django.core.exceptions import ImproperlyConfigured

from xinfang.config.env import env

from .base import *  # noqa: F403

# Values that must never protect a real office's data: .env.example's placeholder, the development
# defaults of base.py and the test settings' keys. Anything containing these words is a placeholder too.
KNOWN_PLACEHOLDERS = {
    "change-me-to-a-long-random-string",
    "insecure-development-key-change-me",
    "insecure-development-data-key",
    "insecure-development-audit-key",
    "test-secret-key-not-secret",
    "test-data-key-not-secret",
}
PLACEHOLDER_WORDS = ("change-me", "changeme", "insecure", "not-secret", "placeholder", "example")
MIN_KEY_LENGTH = 32


def _real_key(name: str, *, min_length: int = MIN_KEY_LENGTH, min_unique: int = 5) -> str:
    """The environment variable `name`, refused (ImproperlyConfigured) if missing, a placeholder or too weak."""
    value = env.str(name)
    how = "生成方法 (generate one): python -c \"import secrets; print(secrets.token_urlsafe(48))\""
    if value in KNOWN_PLACEHOLDERS or any(word in value.lower() for word in PLACEHOLDER_WORDS):
        raise ImproperlyConfigured(f"{name} 仍是示例或开发用的占位值，生产环境不能启动 "
                                   f"({name} is a placeholder; set a real random value). {how}")
    if len(value) < min_length or len(set(value)) < min_unique:
        raise ImproperlyConfigured(f"{name} 太短或太简单：至少 {min_length} 个字符、{min_unique} 种不同字符 "
                                   f"({name} must have at least {min_length} characters, {min_unique} distinct). {how}")
    return value


# SECRET_KEY: Django's own rule (check security.W009): 50 characters, 5 distinct, no "django-insecure-" prefix.
SECRET_KEY = _real_key("SECRET_KEY", min_length=50, min_unique=5)
if SECRET_KEY.startswith("django-insecure-"):
    raise ImproperlyConfigured("SECRET_KEY 是 Django 生成的开发用密钥 (SECRET_KEY starts with 'django-insecure-').")
XINFANG_DATA_KEY = _real_key("XINFANG_DATA_KEY")
_keys = {"SECRET_KEY": SECRET_KEY, "XINFANG_DATA_KEY": XINFANG_DATA_KEY}
if "XINFANG_AUDIT_KEY" in globals():  # the audit chain's key, when base.py defines one
    XINFANG_AUDIT_KEY = _real_key("XINFANG_AUDIT_KEY")
    _keys["XINFANG_AUDIT_KEY"] = XINFANG_AUDIT_KEY
if len(set(_keys.values())) < len(_keys):
    # One leaked key must not open everything: each protects something different.
    raise ImproperlyConfigured(f"{'、'.join(_keys)} 必须互不相同 (each key must be different).")

DEBUG = False

# HTTPS. XINFANG_HTTPS=false only for a closed test network without TLS (check --deploy then warns, rightly).
HTTPS = env.bool("XINFANG_HTTPS", True)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# Behind nginx (or another proxy) that terminates TLS: trust its X-Forwarded-Proto, which it must set itself
# (proxy_set_header X-Forwarded-Proto $scheme;). Never enable this when clients can reach the app directly.
if env.bool("XINFANG_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Redirect plain HTTP to HTTPS; switch off (XINFANG_SSL_REDIRECT=false) only if the proxy already does it.
SECURE_SSL_REDIRECT = env.bool("XINFANG_SSL_REDIRECT", HTTPS)
# HSTS: browsers then refuse plain HTTP for this host. One year by default; start lower (e.g. 3600) while
# trying HTTPS out, and switch subdomains/preload off if other hosts of the domain still serve plain HTTP.
SECURE_HSTS_SECONDS = env.int("XINFANG_HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("XINFANG_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env.bool("XINFANG_HSTS_PRELOAD", True)
# Two factors for the privileged roles (web.two_factor): on in production unless switched off explicitly.
XINFANG_2FA_ENFORCED = env.bool("XINFANG_2FA_ENFORCED", True)
# One cache for every worker process: the portal's rate limits and spent CAPTCHA tokens must be shared
# (a file cache on one machine; set XINFANG_CACHE_LOCATION to another folder, or configure Redis at scale).
CACHES = {"default": {"BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
                      "LOCATION": env.str("XINFANG_CACHE_LOCATION", str(DATA_DIR / "cache"))}}  # noqa: F405

# --- Redis: cache, sessions and the task queue (docs/DEPLOYMENT.md) ---------------------------------------------
# XINFANG_REDIS_URL (redis://127.0.0.1:6379/0, or unix:///run/redis/redis.sock?db=0) puts the cache in Redis, shared
# by every gunicorn worker and machine, and the sessions in it (cached_db: read from Redis, written through to the
# database, so restarting Redis logs nobody out). Tasks then go to an RQ queue in the same Redis (django-tasks-rq)
# unless XINFANG_TASK_BACKEND names a backend: the scheduling `xinfang worker` sets it to the database backend.
REDIS_URL = env.str("XINFANG_REDIS_URL", "")
if REDIS_URL:
    CACHES = {"default": {
        "BACKEND": "django_redis.cache.RedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "xinfang",
        # Short timeouts: a stuck Redis must fail a request quickly, not hang every gunicorn worker.
        "OPTIONS": {"SOCKET_CONNECT_TIMEOUT": 5, "SOCKET_TIMEOUT": 5},
    }}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    INSTALLED_APPS = [*INSTALLED_APPS, "django_rq"]  # noqa: F405
    # One queue; a job may run this long (a large import or the audit chain's verification) before RQ kills it.
    RQ_QUEUES = {"default": {"URL": env.str("XINFANG_RQ_URL", REDIS_URL),
                             "DEFAULT_TIMEOUT": env.int("XINFANG_RQ_JOB_TIMEOUT", 3600)}}
    RQ_BACKEND = "django_tasks_rq.RQBackend"
    TASKS = {"default": {"BACKEND": env.str("XINFANG_TASK_BACKEND", RQ_BACKEND)}}
elif env.str("XINFANG_TASK_BACKEND", "") == "django_tasks_rq.RQBackend":
    raise ImproperlyConfigured("XINFANG_TASK_BACKEND=django_tasks_rq.RQBackend 需要 XINFANG_REDIS_URL "
                               "(the RQ task backend needs XINFANG_REDIS_URL).")
