"""`xinfang demo`: the newest stories before serving, the rest in a background process, progress all along."""

import io
import sys
import threading
import time
from datetime import date

import pytest
from django.core.management import call_command

from xinfang.audit.services import audit_verify

from xinfang.demo.derived import heartbeat
from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.demo.management.commands import demo as demo_command
from xinfang.demo import background, procedure
from xinfang.demo.procedure import pending_petitions, progress_petitions
from xinfang.petitions.models import Petition

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 1)


@pytest.fixture
def site(settings, tmp_path):
    """Static files go to a temporary folder; htmx is "installed" there too."""
    settings.STATIC_ROOT = tmp_path / "static"
    htmx = tmp_path / "node_modules" / "htmx.org" / "dist" / "htmx.min.js"
    htmx.parent.mkdir(parents=True)
    htmx.write_text("/* htmx */")
    settings.NODE_MODULES = tmp_path / "node_modules"


def test_each_story_depends_on_its_petition_alone_not_on_the_order_it_is_told_in(monkeypatch):
    # given: 80 generated petitions; the procedure's writes are recorded instead of made
    district = district_build()
    generate_petitions(n=80, seed=5, district=district, until=TODAY)
    calls: list[tuple] = []
    monkeypatch.setattr(procedure, "petition_act", lambda **kw: calls.append(
        (kw["petition_id"], kw["action"], kw["actor"].username, kw["acted_on"], sorted(kw["values"].items()))))
    monkeypatch.setattr(procedure, "clock_start", lambda **kw: None)
    # when: told oldest first (one run), then newest first (the demo before serving)
    progress_petitions(district=district, seed=5, today=TODAY)
    oldest_first = sorted(calls)
    calls.clear()
    progress_petitions(district=district, seed=5, today=TODAY, newest_first=True)
    # then: the same steps, with the same actors, dates and values, petition by petition
    assert len(oldest_first) > 200
    assert sorted(calls) == oldest_first


def test_the_newest_stories_first_then_the_rest_leaves_nothing_pending():
    district = district_build()
    generate_petitions(n=30, seed=5, district=district, until=TODAY)
    progress_petitions(district=district, seed=5, today=TODAY, newest_first=True, limit=10)
    newest = list(Petition.objects.order_by("-received_at", "-id").values_list("pk", flat=True)[:10])
    assert pending_petitions(district=district).count() == 20
    assert not pending_petitions(district=district).filter(pk__in=newest).exists()
    progress_petitions(district=district, seed=5, today=TODAY)
    assert pending_petitions(district=district).count() == 0
    assert audit_verify()[1] is None


def test_no_serve_does_everything_and_does_not_say_open(site):
    out = io.StringIO()
    call_command("demo", "--no-serve", "--petitions", "40", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert "Open http" not in text and "打开" not in text
    assert "运行 xinfang demo 启动网站" in text and "run `xinfang demo` to serve" in text
    # all 40 stories are told, newest first, with a progress line ending at 40/40
    assert "Carrying 40 of 40 petitions" in text and "40/40 件 petitions" in text
    assert pending_petitions(district=district_build()).count() == 0
    assert "mass matters rebuilt" in text
    # each step says how long it took
    assert "1/5 建库" in text and "5/5 收集静态文件" in text


def test_serving_tells_the_newest_stories_first_and_starts_the_rest_in_the_background(site, monkeypatch):
    # given: the server and the background process are stand-ins that record how they were started
    started: list[list[str]] = []
    served: list[tuple] = []

    class FakeProcess:
        def __init__(self, command, env):
            started.append(command)
            self.env = env

        def poll(self):
            return None

        def terminate(self):
            started.append(["terminated"])

        def wait(self, timeout):
            return 0

    monkeypatch.setattr(demo_command.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(background, "_process", None)  # put back after the test: no banner elsewhere
    monkeypatch.setattr("waitress.serve", lambda app, host, port: served.append((host, port)))
    out = io.StringIO()
    # when
    call_command("demo", "--petitions", "50", "--before-serving", "20", "--addr", "127.0.0.1:8123",
                 stdout=out, stderr=io.StringIO())
    # then: 20 stories before serving, 30 left for the background, which was started and stopped with the server
    text = out.getvalue()
    assert pending_petitions(district=district_build()).count() == 30
    assert started[0] == [sys.executable, "-m", "django", "demo", "--finish", "--seed", "1"]
    # the task worker beside the server (deadline warnings, notifications), stopped with it too
    assert started[1] == [sys.executable, "-m", "django", "worker", "--no-reload", "--interval", "2"]
    assert started[2:] == [["terminated"], ["terminated"]]
    assert served == [("127.0.0.1", 8123)]
    assert "另有 30 件较早的演示信访事项正在后台办理" in text and "30 older demo petitions" in text
    assert "Open http://127.0.0.1:8123/" in text
    assert "background procedure stopped; the next `xinfang demo` resumes it" in text
    assert isinstance(background._process, FakeProcess)  # the pages' banner follows this process


def test_a_run_after_an_interrupted_background_serves_at_once_and_resumes_it(site, monkeypatch):
    # given: the first run told the newest 10 stories, its background was stopped before the other 20
    district = district_build()
    generate_petitions(n=30, seed=1, district=district)
    progress_petitions(district=district, seed=1, newest_first=True, limit=10)
    started: list[list[str]] = []

    class FakeProcess:
        def __init__(self, command, env):
            started.append(command)

        def poll(self):
            return 0

    monkeypatch.setattr(demo_command.subprocess, "Popen", FakeProcess)
    monkeypatch.setattr(background, "_process", None)
    monkeypatch.setattr("waitress.serve", lambda app, host, port: None)
    out = io.StringIO()
    # when
    call_command("demo", stdout=out, stderr=io.StringIO())
    # then: nothing is told before serving; the background takes all 20
    assert pending_petitions(district=district).count() == 20
    assert "20 件在后台继续办理" in out.getvalue()
    assert started == [[sys.executable, "-m", "django", "demo", "--finish", "--seed", "1"],
                       [sys.executable, "-m", "django", "worker", "--no-reload", "--interval", "2"]]


class _Process:
    def __init__(self, returncode):
        self.returncode = returncode

    def poll(self):
        return self.returncode


def test_pages_show_a_banner_while_the_background_half_runs_and_not_after(client, monkeypatch):
    client.force_login(district_build().users["clerk"])
    assert "演示数据仍在后台生成" not in client.get("/petitions/").content.decode()  # no demo server here
    monkeypatch.setattr(background, "_process", _Process(None))
    assert "演示数据仍在后台生成" in client.get("/petitions/").content.decode()
    monkeypatch.setattr(background, "_process", _Process(0))
    assert "演示数据仍在后台生成" not in client.get("/petitions/").content.decode()


def test_the_background_half_finishes_the_stories_and_the_mass_matters(site):
    district = district_build()
    generate_petitions(n=40, seed=1, district=district)
    progress_petitions(district=district, seed=1, newest_first=True, limit=10)
    out = io.StringIO()
    call_command("demo", "--finish", stdout=out, stderr=io.StringIO())
    text = out.getvalue()
    assert pending_petitions(district=district).count() == 0
    assert "[后台 background] 涉众事项" in text and "mass matters rebuilt" in text
    assert "30/30 件 petitions" in text
    assert "[后台 background] 后台完成" in text


def test_a_step_without_progress_of_its_own_prints_a_heartbeat():
    lines: list[str] = []
    with heartbeat("涉众事项 mass matters", lines.append, every=0.05):
        time.sleep(0.3)
    assert len(lines) >= 3 and lines[0].startswith("    涉众事项 mass matters … ")
    count = len(lines)
    time.sleep(0.15)
    assert len(lines) == count  # and stops with the step
    assert not [t for t in threading.enumerate() if t.name == "demo-heartbeat"]


def test_every_demo_account_logs_in_with_the_demo_password():
    district = district_build()
    assert all(user.check_password("xinfang-demo") for user in district.users.values())


def test_ctrl_c_in_the_background_half_says_it_resumes_next_time(monkeypatch):
    def interrupted(self, *, seed):
        raise KeyboardInterrupt

    monkeypatch.setattr(demo_command.Command, "_finish", interrupted)
    out = io.StringIO()
    call_command("demo", "--finish", stdout=out, stderr=io.StringIO())
    assert "interrupted; the next `xinfang demo` resumes" in out.getvalue()
