"""The production stack on loopback (scripts/deploy-local.sh): a clerk logs in through nginx, registers a petition
with a petitioner who consents to SMS, forwards it and downloads its 转送告知书; the session is in Redis and the SMS
task ran on an RQ worker. Then the stack stops.

Needs root or sudo (system user, PostgreSQL and Redis as their own users, nginx). It runs once, in the SQLite run
of scripts/test.sh: with DATABASE_URL set (the PostgreSQL run) it is skipped, as the stack brings its own
PostgreSQL anyway.
"""

import html
import os
import re
import shutil
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "deploy-local.sh"
STATE = ROOT / "var" / "deploy-smoke"


def _can_deploy() -> str:
    if os.environ.get("DATABASE_URL"):
        return "runs once, in the SQLite run (the stack brings its own PostgreSQL)"
    if shutil.which("apt-get") is None:
        return "not a Debian machine: deploy-local.sh installs Debian packages"
    if os.geteuid() != 0 and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode != 0:
        return "needs root or password-less sudo (system user, PostgreSQL, Redis and nginx as their users)"
    return ""


pytestmark = [pytest.mark.slow, pytest.mark.skipif(bool(_can_deploy()), reason=_can_deploy() or "-")]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # the 302 itself is returned (urllib raises it as an HTTPError)


class Site:
    """A browser without JavaScript: cookies, forms with their CSRF token, no redirects followed silently."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.cookies = CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies), NoRedirect())

    def get(self, path: str) -> tuple[int, dict, bytes]:
        return self._open(urllib.request.Request(self.base + path))

    def post(self, path: str, data: dict | list, headers: dict | None = None) -> tuple[int, dict, bytes]:
        body = urllib.parse.urlencode(data).encode()
        request = urllib.request.Request(self.base + path, data=body, headers={
            "Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path, **(headers or {})})
        return self._open(request)

    def _open(self, request) -> tuple[int, dict, bytes]:
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def cookie(self, name: str) -> str:
        return next(cookie.value for cookie in self.cookies if cookie.name == name)


def csrf_token(page: str) -> str:
    return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)


def first_option(page: str, select: str) -> str:
    block = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return next(value for value in re.findall(r'<option value="([^"]*)"', block) if value)


def deploy(*args: str, timeout: int) -> subprocess.CompletedProcess:
    command = [str(SCRIPT), "--dir", str(STATE), *args]
    if os.geteuid() != 0:
        command = ["sudo", "-n", *command]
    return subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=ROOT)


@pytest.fixture(scope="module")
def stack():
    started = deploy("--demo=0", "--workers=1", timeout=600)
    try:
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        ports = dict(line.split("=", 1) for line in (STATE / "ports").read_text().split())
        secrets = dict(line.split("=", 1) for line in (STATE / "secrets").read_text().split())
        yield {"site": f"http://127.0.0.1:{ports['NGINX_PORT']}", "redis_port": int(ports["REDIS_PORT"]),
               "redis_password": secrets["REDIS_PASSWORD"]}
    finally:
        stopped = deploy("--stop", "--purge", timeout=300)
        assert stopped.returncode == 0, stopped.stderr
        # Nothing of the stack is left running: every pid file was removed with the folder.
        assert not STATE.exists()


def registration_form(page: str, *, phone: str) -> list[tuple[str, str]]:
    data = [("csrfmiddlewaretoken", csrf_token(page)), ("channel", "visit"),
            ("received_at", time.strftime("%Y-%m-%dT%H:%M")), ("person_times", "1"), ("urgency", "normal"),
            ("petition_type", "grievance"), ("category", first_option(page, "category")),
            ("locality", first_option(page, "locality")), ("summary", "反映小区供暖不足"),
            ("content", "入冬以来室内温度长期低于十六度，物业未予处理。"), ("idempotency_key", f"smoke-{time.time()}"),
            ("petitioners-TOTAL_FORMS", "5"), ("petitioners-INITIAL_FORMS", "0"),
            ("petitioners-MIN_NUM_FORMS", "0"), ("petitioners-MAX_NUM_FORMS", "5")]
    for i in range(5):
        data.append((f"petitioners-{i}-kind", "person"))
    data += [("petitioners-0-name", "赵小满"), ("petitioners-0-id_number", "11010519491231002X"),
             ("petitioners-0-phone", phone), ("petitioners-0-sms_consent", "on"),
             ("petitioners-0-sms_consent_method", "oral")]
    return data


def test_a_clerk_registers_forwards_and_downloads_the_notice_through_nginx(stack):
    import redis

    site = Site(stack["site"])
    # given: the login page through nginx, with its static files served by nginx itself
    status, _, body = site.get("/login/")
    assert status == 200
    status, headers, _ = site.get("/static/vendor/htmx/htmx.min.js")
    assert status == 200 and "max-age=31536000" in headers.get("Cache-Control", "")  # nginx's `expires 1y`

    # when: the clerk logs in (CSRF form) ...
    status, headers, _ = site.post("/login/", {"csrfmiddlewaretoken": csrf_token(body.decode()),
                                               "username": "clerk", "password": "xinfang-demo", "next": ""})
    assert status in (200, 302), status
    status, _, body = site.get("/petitions/new/")
    assert status == 200, "the clerk is not logged in"
    # ... registers a petition whose petitioner agrees to SMS ...
    status, headers, body = site.post("/petitions/new/", registration_form(body.decode(), phone="13800138000"))
    assert status == 302, f"registration not saved: {status} {html.unescape(body.decode())[:2000]}"
    petition_id = int(re.fullmatch(r"/petitions/(\d+)/", headers["Location"]).group(1))
    # ... and forwards it to the first unit the form offers (Art 22).
    status, _, body = site.get(f"/petitions/{petition_id}/actions/forward/")
    form = body.decode()
    assert status == 200
    version = re.search(r'name="expected_version"[^>]*value="(\d+)"', form) or re.search(
        r'value="(\d+)"[^>]*name="expected_version"', form)
    status, headers, body = site.post(f"/petitions/{petition_id}/actions/forward/", {
        "csrfmiddlewaretoken": csrf_token(form), "handling_org": first_option(form, "handling_org"),
        "expected_version": version.group(1)}, headers={"HX-Request": "true"})
    assert status in (204, 302), f"{status} {body.decode()[:1500]}"

    # then: the case page links the 转送告知书, which downloads as a .docx through nginx
    status, _, body = site.get(f"/petitions/{petition_id}/")
    detail = body.decode()
    assert "转送告知书" in detail
    notice_path = re.search(rf"/petitions/{petition_id}/notices/(\d+)/docx/", detail).group(0)
    status, headers, document = site.get(notice_path)
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert document[:4] == b"PK\x03\x04"

    # and the session lives in Redis (cached_db: django-redis keys carry the prefix "xinfang")
    store = redis.Redis(host="127.0.0.1", port=stack["redis_port"], password=stack["redis_password"])
    session_key = site.cookie("sessionid")
    assert store.keys(f"xinfang:*{session_key}")

    # and the SMS of the notice was sent by a task on an RQ worker (the job is in RQ's finished registry)
    deadline = time.monotonic() + 60
    finished = []
    while time.monotonic() < deadline:
        # RQ's description of a job is its call: "xinfang.notifications.tasks.petitioner_sms_send(notice_id=1)"
        finished = [store.hmget(f"rq:job:{job_id.decode()}", "description", "status")
                    for job_id in store.zrange("rq:finished:default", 0, -1)]
        if any(description.startswith(b"xinfang.notifications.tasks.petitioner_sms_send(") and status == b"finished"
               for description, status in finished):
            break
        time.sleep(1)
    else:
        pytest.fail(f"no finished petitioner_sms_send job in RQ: {finished}")
