"""Production: every secret must come from the environment; HTTPS cookies."""

from django.core.exceptions import ImproperlyConfigured

from xinfang.config.env import env

from .base import *  # noqa: F403

SECRET_KEY = env.str("SECRET_KEY")
XINFANG_DATA_KEY = env.str("XINFANG_DATA_KEY")
if "insecure" in SECRET_KEY or "insecure" in XINFANG_DATA_KEY:
    raise ImproperlyConfigured("Set real SECRET_KEY and XINFANG_DATA_KEY values in production.")
DEBUG = False
SESSION_COOKIE_SECURE = env.bool("XINFANG_HTTPS", True)
CSRF_COOKIE_SECURE = env.bool("XINFANG_HTTPS", True)
