"""Satisfaction entered by the petitioner himself (the portal) and by staff, reported apart: figures equal a
hand count, and each drill-down lists exactly the matters counted."""

import pytest
from django.utils import timezone

from tests.conftest import act, petition_input
from tests.portal.conftest import _clean_cache, consent, submission_input  # noqa: F401  (fixtures)
from tests.portal.test_services import carried_to_delivery
from xinfang.petitions.services import petition_register
from xinfang.portal import services
from xinfang.stats.indicators import PORTAL_RATING_INDICATORS, compute_totals
from xinfang.stats.selectors import StatsFilters, stats_query

pytestmark = pytest.mark.django_db


@pytest.fixture
def rated(district, actors, category, consent):  # noqa: F811  (the imported fixture)
    """p1, p2 on the portal, rated by their petitioners: satisfied, dissatisfied. p3 by letter, its rating
    (mostly satisfied, what the petitioner said on the phone) entered by a township head. p4 on the portal,
    rated by staff on the petitioner's behalf: dissatisfied. So petitioner-entered 1 of 2, staff-entered 1 of 2."""
    p = {}
    for key, phone in (("p1", "13812345678"), ("p2", "13912345678"), ("p4", "13712345678")):
        p[key], _ = services.portal_submit(data=submission_input(district=district, category=category,
                                                                 consent=consent, phone=phone, id_number=""),
                                           client_ip="10.0.0.1")
        carried_to_delivery(p[key], actors, district)
    p["p3"], _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                   actor=district.clerk)
    carried_to_delivery(p["p3"], actors, district)
    services.portal_evaluate(submission=p["p1"].portal_submission, rating="satisfied")
    services.portal_evaluate(submission=p["p2"].portal_submission, rating="dissatisfied")
    act(p["p3"], "evaluate", actors.head, rating="mostly_satisfied", rated_by="staff")
    act(p["p4"], "evaluate", actors.head, rating="dissatisfied", rated_by="petitioner")
    return p


def query():
    today = timezone.localdate()
    return stats_query(user=None, filters=StatsFilters(start=today.replace(month=1, day=1), end=today))


def test_the_two_satisfaction_rates_match_the_hand_count(rated):
    figures = compute_totals(query(), PORTAL_RATING_INDICATORS)
    got = {key: (figure.numerator, figure.denominator, str(figure.value)) for key, figure in figures.items()}
    assert got == {"satisfaction_rate_petitioner_entered": (1, 2, "50.00"),
                   "satisfaction_rate_staff_entered": (1, 2, "50.00")}


def test_the_drill_downs_list_exactly_the_matters_counted(rated):
    q = query()
    by_key = {indicator.key: indicator for indicator in PORTAL_RATING_INDICATORS}
    petitioner, staff = by_key["satisfaction_rate_petitioner_entered"], by_key["satisfaction_rate_staff_entered"]
    assert set(petitioner.petitions(q)) == {rated["p1"]}
    assert set(petitioner.petitions(q, "denominator")) == {rated["p1"], rated["p2"]}
    assert set(staff.petitions(q)) == {rated["p3"]}
    assert set(staff.petitions(q, "denominator")) == {rated["p3"], rated["p4"]}


def test_no_rating_no_rate(district):
    figures = compute_totals(query(), PORTAL_RATING_INDICATORS)
    assert [(figure.numerator, figure.denominator, figure.value) for figure in figures.values()] == [
        (0, 0, None), (0, 0, None)]
