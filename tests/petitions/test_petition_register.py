"""Registration: rules on persons and representatives, encryption at rest, numbering, idempotency."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from tests.conftest import ID_LI, ID_WANG, ID_ZHANG, ID_ZHAO, petition_input
from xinfang.audit.models import AuditEvent
from xinfang.petitions.attachments import attachment_read
from xinfang.petitions.models import Channel, Petition, PetitionEvent, Petitioner, PetitionType
from xinfang.petitions.services import PetitionerInput, UploadInput, petition_register

pytestmark = pytest.mark.django_db


def representatives(*id_numbers: str) -> list[PetitionerInput]:
    names = ["张小三", "李四", "王五", "赵六", "钱七", "孙八"]
    return [PetitionerInput(name=names[i], id_number=number) for i, number in enumerate(id_numbers)]


def test_a_visit_of_seven_with_three_representatives_is_a_group_visit_of_seven_person_times(district, category):
    # given
    data = petition_input(locality=district.township_a, category=category, channel=Channel.VISIT,
                          person_times=7, petitioners=representatives(ID_ZHANG, ID_LI, ID_WANG))
    # when
    petition, created = petition_register(data=data, actor=district.clerk)
    # then
    assert created is True
    assert (petition.person_times, petition.is_group_visit) == (7, True)
    assert petition.parties.filter(is_representative=True).count() == 3
    assert petition.events.get().kind == PetitionEvent.Kind.REGISTERED
    assert AuditEvent.objects.filter(action="petition.register", target_id=str(petition.pk)).exists()


def test_a_visit_of_four_is_not_a_group_visit(district, category):
    data = petition_input(locality=district.township_a, category=category, channel=Channel.VISIT,
                          person_times=4, petitioners=representatives(ID_ZHANG))
    petition, _ = petition_register(data=data, actor=district.clerk)
    assert petition.is_group_visit is False


def test_a_group_visit_with_six_representatives_is_refused_and_nothing_is_saved(district, category):
    data = petition_input(
        locality=district.township_a, category=category, channel=Channel.VISIT, person_times=30,
        petitioners=representatives(ID_ZHANG, ID_LI, ID_WANG, ID_ZHAO, "110101199001010010", "110101199001010037"),
    )
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    assert "第二十条" in error.value.message_dict["petitioners"][0]
    assert Petition.objects.count() == 0
    assert Petitioner.objects.count() == 0


def test_bad_id_phone_and_missing_fields_are_all_reported_and_nothing_is_saved(district, category):
    data = petition_input(
        locality=district.township_a, category=category, summary="", content=" ",
        petitioners=[PetitionerInput(name="张小三", id_number="110105194912310021", phone="12345")],
    )
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    errors = error.value.message_dict
    assert set(errors) >= {"summary", "content", "petitioners.0.id_number", "petitioners.0.phone"}
    assert "校验位" in errors["petitioners.0.id_number"][0]
    assert Petition.objects.count() == 0
    assert AuditEvent.objects.filter(action="petition.register").count() == 0


def test_a_received_time_in_the_future_is_refused(district, category):
    data = petition_input(locality=district.township_a, category=category,
                          received_at=timezone.now() + timedelta(hours=2))
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    assert "received_at" in error.value.message_dict


def test_person_times_below_the_number_of_petitioners_is_refused(district, category):
    data = petition_input(locality=district.township_a, category=category, person_times=1,
                          petitioners=representatives(ID_ZHANG, ID_LI))
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    assert "person_times" in error.value.message_dict


def test_an_anonymous_accusation_letter_is_registered_but_an_anonymous_grievance_is_not(district, category):
    accusation = petition_input(locality=district.township_a, category=category, petitioners=[],
                                petition_type=PetitionType.ACCUSATION, complained_org_id=district.township_a.pk)
    petition, _ = petition_register(data=accusation, actor=district.clerk)
    assert petition.person_times == 1 and petition.parties.count() == 0
    grievance = petition_input(locality=district.township_a, category=category, petitioners=[])
    with pytest.raises(ValidationError):
        petition_register(data=grievance, actor=district.clerk)


def test_a_township_handler_may_not_register(district, category):
    with pytest.raises(PermissionDenied):
        petition_register(data=petition_input(locality=district.township_a, category=category),
                          actor=district.township_a_user)


def test_personal_data_is_encrypted_at_rest_and_found_through_the_blind_index(district, category):
    # given
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    # when: read the raw columns, bypassing the model field
    with connection.cursor() as cursor:
        cursor.execute("SELECT name, id_number, phone, address FROM petitions_petitioner")
        raw_rows = cursor.fetchall()
    # then
    raw = " ".join(" ".join(row) for row in raw_rows)
    for secret in (ID_ZHANG, "13812345678", "张小三", "桃源村"):
        assert secret not in raw
    assert all(value.startswith("v2:") for value in raw_rows[0])
    petitioner = Petitioner.objects.get()
    assert (petitioner.id_number, petitioner.masked_id_number) == (ID_ZHANG, "1101**********002X")


def test_the_same_id_number_is_one_petitioner_across_petitions(district, category):
    first, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    again = petition_input(locality=district.township_a, category=category, petitioners=[
        PetitionerInput(name="张小三", id_number=ID_ZHANG, phone="13900001111")])
    second, _ = petition_register(data=again, actor=district.clerk)
    assert Petitioner.objects.count() == 1
    assert Petitioner.objects.get().phone == "13900001111"  # contact details refreshed
    assert (first.number, second.number) == ("QXXF-2026-000001", "QXXF-2026-000002")


def test_numbers_restart_each_year_per_registering_office(district, category):
    late_2025 = timezone.make_aware(timezone.datetime(2025, 12, 31, 23, 50))
    p2025, _ = petition_register(data=petition_input(locality=district.township_a, category=category,
                                                     received_at=late_2025), actor=district.clerk)
    p2026, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk)
    assert (p2025.number, p2026.number) == ("QXXF-2025-000001", "QXXF-2026-000001")


def test_a_retried_submit_with_the_same_idempotency_key_registers_one_petition(district, category):
    data = petition_input(locality=district.township_a, category=category)
    first, created_first = petition_register(data=data, actor=district.clerk, idempotency_key="form-abc")
    second, created_second = petition_register(data=data, actor=district.clerk, idempotency_key="form-abc")
    assert (created_first, created_second) == (True, False)
    assert first.pk == second.pk
    assert Petition.objects.count() == 1


def test_a_disguised_executable_is_refused_and_nothing_is_saved(district, category):
    executable = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64 + b"PE\x00\x00"
    data = petition_input(locality=district.township_a, category=category,
                          attachments=[UploadInput(name="证据材料.pdf", data=executable)])
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    assert "attachments" in error.value.message_dict
    assert Petition.objects.count() == 0


def test_an_oversized_file_is_refused(district, category, settings):
    settings.XINFANG_ATTACHMENT_MAX_BYTES = 1024
    pdf = b"%PDF-1.4\n" + b"0" * 2048
    data = petition_input(locality=district.township_a, category=category,
                          attachments=[UploadInput(name="scan.pdf", data=pdf)])
    with pytest.raises(ValidationError) as error:
        petition_register(data=data, actor=district.clerk)
    assert "超过上限" in error.value.message_dict["attachments"][0]


def test_an_attachment_is_stored_with_its_detected_type_and_sha256(district, category):
    import hashlib

    png = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000")
    data = petition_input(locality=district.township_a, category=category,
                          attachments=[UploadInput(name="现场照片.PNG", data=png)])
    petition, _ = petition_register(data=data, actor=district.clerk)
    attachment = petition.attachments.get()
    assert (attachment.content_type, attachment.size) == ("image/png", len(png))
    assert attachment.sha256 == hashlib.sha256(png).hexdigest()
    assert attachment_read(attachment) == png  # stored encrypted (tests/petitions/test_at_rest.py)


@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_get_unique_gapless_numbers(district, category):
    # given: eight clerks' requests at once, each registering five petitions
    errors: list[BaseException] = []

    def register_five() -> None:
        try:
            for _ in range(5):
                petition_register(data=petition_input(locality=district.township_a, category=category),
                                  actor=district.clerk)
        except BaseException as error:  # noqa: BLE001 - reported by the main thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=register_five) for _ in range(8)]
    # when
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # then
    assert errors == []
    sequences = sorted(Petition.objects.values_list("sequence", flat=True))
    assert sequences == list(range(1, 41))
    assert Petition.objects.values("number").distinct().count() == 40


@pytest.mark.django_db(transaction=True)
def test_concurrent_retries_with_one_idempotency_key_register_one_petition(district, category):
    results: list[int] = []
    errors: list[BaseException] = []

    def submit() -> None:
        try:
            petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                            actor=district.clerk, idempotency_key="double-click")
            results.append(petition.pk)
        except BaseException as error:  # noqa: BLE001
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=submit) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(results)) == 1
    assert Petition.objects.count() == 1


# --- issue 12 item 7: the same clerk registering the same matter again within minutes is questioned -------------

def test_the_same_person_registered_again_within_minutes_is_questioned_and_nothing_is_saved(district, category):
    from xinfang.petitions.services import PossibleDuplicate

    first, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk, idempotency_key="form-1", question_duplicates=True)
    again = petition_input(locality=district.township_a, category=category, summary="另一件事", content="另一段内容")
    with pytest.raises(PossibleDuplicate) as error:
        petition_register(data=again, actor=district.clerk, idempotency_key="form-2", question_duplicates=True)
    assert error.value.earlier == [(first, ["同一信访人证件号码"])]
    assert first.number in error.value.message_dict["confirm_not_duplicate"][0]
    assert Petition.objects.count() == 1
    # The clerk says it is another matter: saved, with the key the question left unused.
    again.confirm_not_duplicate = True
    second, created = petition_register(data=again, actor=district.clerk, idempotency_key="form-2",
                                        question_duplicates=True)
    assert created and second.pk != first.pk


def test_the_same_text_of_an_anonymous_accusation_is_questioned_too(district, category):
    # No petitioner to compare, and the text encrypted at rest: compared after it is read back.
    from xinfang.petitions.services import PossibleDuplicate

    data = petition_input(locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
                          complained_org_id=district.department.pk, petitioners=[])
    petition_register(data=data, actor=district.clerk, idempotency_key="a-1", question_duplicates=True)
    with pytest.raises(PossibleDuplicate) as error:
        petition_register(data=data, actor=district.clerk, idempotency_key="a-2", question_duplicates=True)
    assert error.value.earlier[0][1] == ["概况和信访内容相同"]


def test_no_question_after_the_window_for_another_clerk_or_for_the_api_and_import(district, category):
    from xinfang.orgs.models import Role
    from xinfang.orgs.services import user_create
    from xinfang.petitions.services import DUPLICATE_WINDOW

    first, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                 actor=district.clerk, question_duplicates=True)
    other = user_create(username="clerk2", password="pw-clerk-456", org=district.office, roles=[Role.INTAKE_CLERK])
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=other,
                      question_duplicates=True)
    # Callers that cannot answer a question (the API, the import) do not ask it.
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk)
    Petition.objects.filter(registered_by=district.clerk).update(
        created_at=timezone.now() - DUPLICATE_WINDOW - timedelta(seconds=1))
    petition_register(data=petition_input(locality=district.township_a, category=category), actor=district.clerk,
                      question_duplicates=True)
    assert Petition.objects.count() == 4
