"""Recording 违法信访行为: who may, what is refused (in Chinese, nothing written), what is audited and versioned."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from xinfang.audit.models import AuditEvent
from xinfang.order.models import OrderIncident, OrderMeasure, OrderPerson
from xinfang.order.services import MeasureInput, PersonInput, evidence_add, incident_create, measure_add
from xinfang.petitions.attachments import attachment_read
from xinfang.petitions.services import UploadInput
from xinfang.prevention.history import LedgerVersion

from .conftest import incident_input

pytestmark = pytest.mark.django_db


def test_create_with_a_measure_is_numbered_audited_and_versioned(district, people):
    incident = incident_create(data=incident_input(locality=district.township_a), actor=people.police)
    assert incident.number == "秩序〔2026〕1号"
    person = OrderPerson.objects.get(incident=incident)
    assert person.name == "赵大勇" and person.masked_name != "赵大勇"
    measure = OrderMeasure.objects.get(incident=incident)
    assert (measure.kind, measure.person, measure.organ_display) == ("dissuade", person, "清溪区信访办")
    assert AuditEvent.objects.filter(action="order.incident_create", actor=people.police).count() == 1
    assert LedgerVersion.objects.get(ledger="order_incident", record_id=incident.pk).version == 1


@pytest.mark.parametrize("who", ["office_leader", "clerk", "statistician", "township", "township_leader",
                                 "department", "auditor"])
def test_only_the_recording_roles_record(district, people, who):
    with pytest.raises(PermissionDenied):
        incident_create(data=incident_input(locality=district.township_a), actor=getattr(people, who))
    assert not OrderIncident.objects.exists()


def test_bad_input_is_refused_in_chinese_and_nothing_is_written(district, people):
    with pytest.raises(ValidationError) as error:
        incident_create(data=incident_input(locality=district.township_a, kind="riot", place=" ", persons=[]),
                        actor=people.reviewer)
    assert "第二十六条" in error.value.message_dict["kind"][0]
    assert error.value.message_dict["place"] == ["请填写发生地点"]
    assert error.value.message_dict["persons"] == ["请至少填写一名涉及人员"]
    assert not OrderIncident.objects.exists() and not OrderPerson.objects.exists()


def test_police_measures_need_a_political_legal_organ(district, people):
    bad = MeasureInput(kind="public_security_penalty", taken_on=date(2026, 3, 3), organ_id=district.township_a.pk)
    with pytest.raises(ValidationError) as error:
        incident_create(data=incident_input(locality=district.township_a, measures=[bad]), actor=people.reviewer)
    assert "公安机关" in error.value.message_dict["organ"][0]
    assert not OrderIncident.objects.exists()
    good = MeasureInput(kind="public_security_penalty", taken_on=date(2026, 3, 3), organ_id=people.police_org.pk,
                        document_number="清公（治）决字〔2026〕12号")
    incident = incident_create(data=incident_input(locality=district.township_a, measures=[good]),
                               actor=people.reviewer)
    assert incident.measures.get().organ == people.police_org


def test_a_measure_before_the_conduct_is_refused(district, people, incident):
    person = incident.persons.get()
    with pytest.raises(ValidationError) as error:
        measure_add(incident_id=incident.pk, person_id=person.pk, actor=people.police,
                    data=MeasureInput(kind="admonish", taken_on=date(2026, 3, 1), organ_name="清溪区信访办"))
    assert error.value.message_dict["taken_on"] == ["措施采取日期不能早于行为发生日期"]
    measure_add(incident_id=incident.pk, person_id=person.pk, actor=people.police,
                data=MeasureInput(kind="admonish", taken_on=date(2026, 3, 5), organ_name="清溪区信访办"))
    incident.refresh_from_db()
    assert incident.version == 2 and incident.measures.count() == 2


def test_a_scope_outside_the_recorder_is_refused(district, people):
    from xinfang.orgs.models import Org, Role
    from xinfang.orgs.services import org_create, user_create

    other = org_create(name="邻县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    office = org_create(name="邻县信访局", kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY, parent=other)
    reviewer = user_create(username="n-reviewer", password="pw-123456", org=office, roles=[Role.REVIEWER])
    with pytest.raises(ValidationError) as error:
        incident_create(data=incident_input(locality=district.township_a), actor=reviewer)
    assert error.value.message_dict["locality_id"] == ["属地不在本单位范围内"]


def test_evidence_is_checked_by_content_and_stored_sealed(district, people, incident, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(ValidationError) as error:
        evidence_add(incident_id=incident.pk, actor=people.police,
                     upload=UploadInput(name="现场.jpg", data=b"%PDF-1.4 not an image"))
    assert "扩展名与实际内容" in error.value.message_dict["file"][0]
    assert not incident.evidence.exists()
    evidence = evidence_add(incident_id=incident.pk, actor=people.police,
                            upload=UploadInput(name="笔录.txt", data="询问笔录：赵某承认滋事".encode()))
    stored = (tmp_path / evidence.file.name).read_bytes()
    assert "询问笔录".encode() not in stored
    assert attachment_read(evidence).decode() == "询问笔录：赵某承认滋事"


def test_a_person_links_only_a_petitioner_the_recorder_may_see(district, people, category):
    from tests.conftest import petition_input
    from xinfang.petitions.services import petition_register

    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    petitioner = petition.parties.get().petitioner
    incident = incident_create(actor=people.reviewer, data=incident_input(
        locality=district.township_a, persons=[PersonInput(petitioner_id=petitioner.pk)],
        petition_numbers=[petition.number]))
    person = incident.persons.get()
    assert person.petitioner == petitioner and person.name == "张小三"
    assert incident.petition_links.get().petition == petition
    from xinfang.orgs.models import Org, Role
    from xinfang.orgs.services import org_create, user_create

    other = org_create(name="邻县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY)
    police = org_create(name="邻县公安局", kind=Org.Kind.POLITICAL_LEGAL, level=Org.Level.COUNTY, parent=other)
    outsider = user_create(username="n-police", password="pw-123456", org=police, roles=[Role.HANDLER])
    with pytest.raises(ValidationError) as error:
        incident_create(actor=outsider, data=incident_input(
            locality=other, persons=[PersonInput(petitioner_id=petitioner.pk)]))
    assert error.value.message_dict["persons"] == ["找不到该信访人或无权查看"]
