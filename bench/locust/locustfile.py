"""Staff load on the deployed stack (bench/load.sh; docs/PERFORMANCE.md 负载测试).

Each simulated user is an office clerk of the demo district (scripts/deploy-local.sh --demo): it logs in once, then
lists, searches, opens cases, looks at the dashboard and now and then registers a petition and forwards it (the
"act"), with a think time between requests. A response counts as an error unless it is what a browser would get:
200 for pages, 302 after a registration, 204 (htmx) after an action.
"""

import os
import random
import re
import time

from locust import HttpUser, between, task

USERNAME = os.environ.get("XINFANG_LOAD_USER", "clerk")
PASSWORD = os.environ.get("XINFANG_LOAD_PASSWORD", "xinfang-demo")
SEARCHES = ("张", "王", "工资", "拆迁", "物业", "噪音", "低保", "土地")


def _token(page: str) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    return match.group(1) if match else ""


def _options(page: str, select: str) -> list[str]:
    block = re.search(rf'<select[^>]*name="{select}"[^>]*>(.*?)</select>', page, re.S)
    return [value for value in re.findall(r'<option value="([^"]*)"', block.group(1)) if value] if block else []


class OfficeClerk(HttpUser):
    # Think time of a person at a desk: the 50 users make about 15-25 requests a second together.
    wait_time = between(1, 4)

    def on_start(self) -> None:
        page = self.client.get("/login/", name="login").text
        self.client.post("/login/", {"csrfmiddlewaretoken": _token(page), "username": USERNAME,
                                     "password": PASSWORD, "next": ""}, name="login", allow_redirects=False)
        form = self.client.get("/petitions/new/", name="register form").text
        self.categories = _options(form, "category")
        self.localities = _options(form, "locality")
        self.case_ids: list[str] = []
        self.handling_orgs: list[str] = []

    def _csrf(self) -> dict:
        return {"X-CSRFToken": self.client.cookies.get("csrftoken", ""), "Referer": self.host + "/petitions/"}

    @task(4)
    def case_list(self) -> None:
        page = self.client.get("/petitions/", name="list").text
        self.case_ids = re.findall(r'href="/petitions/(\d+)/"', page) or self.case_ids

    @task(2)
    def search(self) -> None:
        self.client.get("/petitions/", params={"q": random.choice(SEARCHES)}, name="search")

    @task(4)
    def detail(self) -> None:
        if not self.case_ids:
            return self.case_list()
        self.client.get(f"/petitions/{random.choice(self.case_ids)}/", name="detail")

    @task(1)
    def dashboard(self) -> None:
        self.client.get("/stats/", name="dashboard")

    @task(1)
    def register_and_forward(self) -> None:
        if not (self.categories and self.localities):
            return
        data = {"channel": "letter", "received_at": time.strftime("%Y-%m-%dT%H:%M"), "person_times": "1",
                "urgency": "normal", "petition_type": "grievance", "category": random.choice(self.categories),
                "locality": random.choice(self.localities), "summary": "负载测试：反映小区供暖不足",
                "content": "入冬以来室内温度长期低于十六度，物业未予处理。", "idempotency_key": f"load-{random.random()}",
                "confirm_not_duplicate": "on", "petitioners-TOTAL_FORMS": "1", "petitioners-INITIAL_FORMS": "0",
                "petitioners-MIN_NUM_FORMS": "0", "petitioners-MAX_NUM_FORMS": "5",
                "petitioners-0-kind": "person", "petitioners-0-name": "赵小满"}
        with self.client.post("/petitions/new/", data, headers=self._csrf(), name="register",
                              allow_redirects=False, catch_response=True) as response:
            match = re.fullmatch(r"/petitions/(\d+)/", response.headers.get("Location", ""))
            if response.status_code != 302 or not match:
                errors = re.findall(r'class="[^"]*error[^"]*"[^>]*>([^<]+)<', response.text)
                response.failure(f"not registered: {response.status_code} {errors[:3]}")
                return
        petition = match.group(1)
        if not self.handling_orgs:
            form = self.client.get(f"/petitions/{petition}/actions/forward/", name="act form").text
            self.handling_orgs = _options(form, "handling_org")
        with self.client.post(f"/petitions/{petition}/actions/forward/",
                              {"handling_org": self.handling_orgs[0] if self.handling_orgs else "",
                               "expected_version": "1"},
                              headers={**self._csrf(), "HX-Request": "true"}, name="act (forward)",
                              allow_redirects=False, catch_response=True) as response:
            if response.status_code != 204:
                response.failure(f"not forwarded: {response.status_code}")
