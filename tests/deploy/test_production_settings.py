"""Production settings with XINFANG_REDIS_URL: cache, sessions and tasks in Redis; the scheduler's override wins;
the RQ backend without Redis is refused. (No Redis server is needed: settings only.)"""

import json
import subprocess
import sys

from tests.web.test_security_settings import _env

SHOW = ("import json; from django.conf import settings as s; print(json.dumps({'cache': s.CACHES['default']['BACKEND'],"
        " 'location': s.CACHES['default']['LOCATION'], 'sessions': s.SESSION_ENGINE,"
        " 'tasks': s.TASKS['default']['BACKEND'], 'rq': getattr(s, 'RQ_QUEUES', {}).get('default', {}).get('URL'),"
        " 'django_rq': 'django_rq' in s.INSTALLED_APPS}))")


def _settings(tmp_path, **keys: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "xinfang.cli", "shell", "-c", SHOW], env=_env(tmp_path, **keys),
                          capture_output=True, text=True, timeout=120)


def test_a_redis_url_puts_cache_sessions_and_tasks_in_redis(tmp_path):
    result = _settings(tmp_path, XINFANG_REDIS_URL="redis://:pw@127.0.0.1:6390/0")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout.strip().splitlines()[-1]) == {
        "cache": "django_redis.cache.RedisCache", "location": "redis://:pw@127.0.0.1:6390/0",
        "sessions": "django.contrib.sessions.backends.cached_db", "tasks": "django_tasks_rq.RQBackend",
        "rq": "redis://:pw@127.0.0.1:6390/0", "django_rq": True}


def test_the_schedulers_task_backend_overrides_rq(tmp_path):
    result = _settings(tmp_path, XINFANG_REDIS_URL="redis://127.0.0.1:6390/0",
                       XINFANG_TASK_BACKEND="django_tasks_db.DatabaseBackend")
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["tasks"] == "django_tasks_db.DatabaseBackend" and shown["cache"] == "django_redis.cache.RedisCache"


def test_without_redis_the_cache_is_a_file_and_tasks_stay_in_the_database(tmp_path):
    shown = json.loads(_settings(tmp_path).stdout.strip().splitlines()[-1])
    assert shown["cache"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert shown["tasks"] == "django_tasks_db.DatabaseBackend" and shown["django_rq"] is False


def test_the_rq_backend_without_redis_is_refused(tmp_path):
    result = _settings(tmp_path, XINFANG_TASK_BACKEND="django_tasks_rq.RQBackend")
    assert result.returncode != 0 and "需要 XINFANG_REDIS_URL" in result.stderr
