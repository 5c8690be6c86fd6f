"""Reads of the 违法信访行为 ledger: only authorised readers get rows (order.permissions), within their scope."""

from django.db.models import QuerySet

from xinfang.order.models import OrderIncident, OrderMeasure, OrderPerson
from xinfang.order.permissions import scope_org_ids
from xinfang.orgs.models import User
from xinfang.petitions.models import Petition
from xinfang.petitions.selectors import petitions_visible_to


def incidents_visible_to(*, user: User | None) -> QuerySet[OrderIncident]:
    """None: every incident (the command line's figures); an unauthorised user: none."""
    queryset = OrderIncident.objects.all()
    if user is None:
        return queryset
    scope = scope_org_ids(user)
    return queryset if scope is None else queryset.filter(locality_id__in=scope)


def persons_visible_to(*, user: User | None) -> QuerySet[OrderPerson]:
    return OrderPerson.objects.filter(incident__in=incidents_visible_to(user=user))


def measures_visible_to(*, user: User | None) -> QuerySet[OrderMeasure]:
    return OrderMeasure.objects.filter(incident__in=incidents_visible_to(user=user))


def incident_petitions(*, incident: OrderIncident, user: User) -> QuerySet[Petition]:
    """The linked petitions the reader may see (Art 30); the others are not shown, not even counted."""
    ids = incident.petition_links.values_list("petition_id", flat=True)
    return petitions_visible_to(user=user).filter(pk__in=ids).order_by("number")
