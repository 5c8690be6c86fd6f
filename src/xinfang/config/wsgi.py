"""WSGI entry point (waitress or gunicorn)."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.config.settings.local")
application = get_wsgi_application()
