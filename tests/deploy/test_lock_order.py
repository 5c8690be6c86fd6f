"""Found by the load test (bench/load.sh, 50 users on PostgreSQL): an action locked the org rows joined to its
clocks FOR UPDATE, so concurrent registrations (whose deferred foreign-key checks need those rows at COMMIT) and
actions (waiting for the audit chain head) deadlocked. An action's row locks now name their own table."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import act

pytestmark = pytest.mark.django_db


@pytest.mark.skipif("connection.vendor != 'postgresql'", reason="SQLite has no row locks (SELECT … FOR UPDATE)")
def test_an_action_locks_no_org_row(registered, district, actors):
    with CaptureQueriesContext(connection) as queries:
        act(registered, "forward", actors.clerk, handling_org=district.township_a)
    locking = [query["sql"] for query in queries if "FOR UPDATE" in query["sql"]]
    assert locking, "the action takes its row locks"
    # A bare FOR UPDATE locks every table of the join; FOR UPDATE OF "…" only the named ones.
    for sql in locking:
        targets = re.search(r'FOR (?:NO KEY )?UPDATE(?: OF (.*?))?(?: NOWAIT| SKIP LOCKED)?$', sql)
        joined = "JOIN" in sql
        assert not (joined and targets.group(1) is None), sql
        assert '"orgs_org"' not in (targets.group(1) or ""), sql
