"""Schemathesis against the whole /api/v1, in process, on a real test database: no input may cause a 5xx.

The spec is read from the running app (`/api/v1/openapi.json`), so a new endpoint is fuzzed as soon as it exists.
Every operation gets its own small district with a few petitions and an authenticated token user; generation is
derandomized and bounded so the run is the same on every machine and stays well under a minute and a half.
"""

from datetime import datetime

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error

from tests.conftest import ID_LI, ID_WANG, petition_input
from xinfang.api.services import api_token_create
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions.models import Channel
from xinfang.petitions.services import PetitionerInput, petition_register

pytestmark = pytest.mark.django_db

# Per operation: enough to reach the boundaries (the coverage phase tries huge and negative numbers, long strings),
# few enough for two busy cores.
MAX_EXAMPLES = 25


class InProcessApp:
    """Django's WSGI handler that leaves the test's database connection alone.

    A real server closes "old" connections at the start and end of each request; inside a test that would close
    the connection holding the test's transaction. Django's test client suspends the same two receivers.
    """

    def __init__(self):
        self.handler = WSGIHandler()

    def __call__(self, environ, start_response):
        request_started.disconnect(close_old_connections)
        request_finished.disconnect(close_old_connections)
        try:
            response = self.handler(environ, start_response)
            body = b"".join(response)
            response.close()
            return [body]
        finally:
            request_started.connect(close_old_connections)
            request_finished.connect(close_old_connections)


@pytest.fixture
def fuzz_user(district, category):
    """A clerk who is also a reviewer: every endpoint is open to them, so the fuzzer reaches the real work."""
    user = user_create(username="api-fuzz", password="pw-fuzz-123", org=district.office,
                       roles=[Role.INTAKE_CLERK, Role.REVIEWER], full_name="接口测试员")
    for index, (name, id_number) in enumerate((("李四", ID_LI), ("王五", ID_WANG))):
        petition_register(actor=user, data=petition_input(
            locality=district.township_a, category=category, channel=Channel.VISIT,
            received_at=timezone.make_aware(datetime(2026, 3, 2 + index, 9, 30)),
            petitioners=[PetitionerInput(name=name, id_number=id_number, phone="13812345678")],
        ))
    petition_register(actor=user, data=petition_input(locality=district.township_b, category=category))
    return user


@pytest.fixture
def api_schema(fuzz_user):
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", InProcessApp())


@pytest.fixture
def bearer(fuzz_user):
    return {"Authorization": f"Bearer {api_token_create(user=fuzz_user)}"}


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_the_api_fail_with_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error])


@pytest.fixture
def open311_api_schema(fuzz_user):
    return schemathesis.openapi.from_wsgi("/open311/v2/openapi.json", InProcessApp())


open311_schema = schemathesis.pytest.from_fixture("open311_api_schema")


@open311_schema.parametrize()
@settings(max_examples=MAX_EXAMPLES, derandomize=True, database=None, deadline=None,
          suppress_health_check=list(HealthCheck))
def test_no_input_makes_open311_fail_with_a_server_error(case, fuzz_user):
    """The Open311 adapter's reads, with a key in the query string: no 5xx either."""
    case.query = {**(case.query or {}), "api_key": api_token_create(user=fuzz_user)}
    response = case.call()
    assert response.status_code != 401  # the fuzzer reaches the adapter, not only the key check
    case.validate_response(response, checks=[not_a_server_error])
