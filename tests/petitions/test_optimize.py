"""`xinfang optimize` gives the query planner statistics (what keeps the case list fast at scale)."""

import pytest
from django.core.management import call_command
from django.db import connection

from tests.conftest import petition_input
from xinfang.petitions.services import petition_register


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "sqlite", reason="sqlite_stat1 is SQLite's statistics table")
def test_optimize_writes_planner_statistics_for_the_petition_indexes(district, category, capsys):
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    call_command("optimize")
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE tbl = 'petitions_petition'")
        indexes = {row[0] for row in cursor.fetchall()}
    assert "petition_recent_idx" in indexes
    assert "ANALYZE done" in capsys.readouterr().out


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="VACUUM and pg_stat_user_tables are PostgreSQL's")
def test_optimize_vacuums_and_analyzes_on_postgresql(district, category, capsys):
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    call_command("optimize")
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_stat_force_next_flush()")
        cursor.execute("SELECT last_vacuum, last_analyze FROM pg_stat_user_tables WHERE relname = 'petitions_petition'")
        last_vacuum, last_analyze = cursor.fetchone()
    assert last_vacuum is not None and last_analyze is not None
    assert "VACUUM (ANALYZE) done" in capsys.readouterr().out
