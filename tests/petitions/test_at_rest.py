"""Accusations' text and every attachment file are encrypted at rest (Art 30: kept secret from the accused).

A DBA or a copied backup sees ciphertext; every reader through the ORM sees plaintext. The raw rows and
files are read here with a cursor and from disk, as such a reader would.
"""

import hashlib
import importlib
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from cryptography.exceptions import InvalidTag
from django.apps import apps
from django.db import connection

from tests.conftest import act, petition_input
from tests.exchange.test_import import exported, write_jsonl
from xinfang.demo.district import district_build
from xinfang.demo.generator import generate_petitions
from xinfang.exchange.importer import import_file
from xinfang.orgs.models import Role
from xinfang.orgs.services import user_create
from xinfang.petitions import crypto
from xinfang.petitions.attachments import AttachmentTampered, attachment_read
from xinfang.petitions.models import Attachment, Petition, PetitionType
from xinfang.petitions.selectors import PetitionFilters, petitions_filter
from xinfang.petitions.services import UploadInput, petition_register
from xinfang.workflow.models import Notice

pytestmark = pytest.mark.django_db

SUMMARY = "举报青石镇王副镇长收受工程老板贿赂"
CONTENT = "王副镇长在桃源村道路工程招标中收受某公司现金二十万元，并指定该公司中标。"
DEMANDS = "请求纪检监察机关调查处理。"
WORDS = ("王副镇长", "贿赂", "桃源村", "二十万元", "纪检监察")
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 17 + "现场照片的原始字节".encode()


def raw_text(petition: Petition) -> tuple[str, str, str]:
    """The row as stored, not as the ORM gives it back."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT summary, content, demands FROM petitions_petition WHERE id = %s", [petition.pk])
        return cursor.fetchone()


def raw_notice_content(notice: Notice) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT content FROM workflow_notice WHERE id = %s", [notice.pk])
        return str(cursor.fetchone()[0])


def assert_sealed(raw: tuple[str, ...]) -> None:
    for value in raw:
        assert value.startswith(crypto.TEXT_MARKER)
        assert value.isascii()  # base64: not one Chinese character, so no word of the text
    stored = "".join(raw)
    assert not any(word in stored for word in WORDS)


@pytest.fixture
def accusation(district, category) -> Petition:
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category, petition_type=PetitionType.ACCUSATION,
        complained_org_id=district.township_a.pk, summary=SUMMARY, content=CONTENT, demands=DEMANDS,
    ), actor=district.clerk)
    return petition


@pytest.fixture
def grievance(district, category) -> Petition:
    petition, _ = petition_register(data=petition_input(locality=district.township_a, category=category),
                                    actor=district.clerk)
    return petition


def test_an_accusations_stored_row_holds_no_word_of_its_summary_content_or_demands(accusation):
    assert_sealed(raw_text(accusation))


def test_reading_an_accusation_through_the_orm_gives_the_plaintext(accusation):
    loaded = Petition.objects.get(pk=accusation.pk)
    assert (loaded.summary, loaded.content, loaded.demands) == (SUMMARY, CONTENT, DEMANDS)
    # values(), values_list() and deferred loading go through the field too.
    assert Petition.objects.filter(pk=accusation.pk).values_list("summary", "demands").get() == (SUMMARY, DEMANDS)
    assert Petition.objects.values("content").get(pk=accusation.pk) == {"content": CONTENT}
    assert Petition.objects.only("pk").get(pk=accusation.pk).summary == SUMMARY


def test_the_registered_instance_keeps_its_plaintext(accusation):
    assert (accusation.summary, accusation.content, accusation.demands) == (SUMMARY, CONTENT, DEMANDS)


def test_a_grievance_is_stored_in_plaintext_and_found_by_words_of_its_summary(grievance):
    assert raw_text(grievance)[0] == "反映某建筑公司拖欠农民工工资"
    found = petitions_filter(queryset=Petition.objects.all(), filters=PetitionFilters(text="拖欠农民工"))
    assert list(found) == [grievance]


def test_an_accusation_is_found_by_its_number_not_by_its_words(accusation, grievance):
    by_words = petitions_filter(queryset=Petition.objects.all(), filters=PetitionFilters(text="王副镇长"))
    assert list(by_words) == []
    by_marker = petitions_filter(queryset=Petition.objects.all(), filters=PetitionFilters(text=crypto.TEXT_MARKER))
    assert list(by_marker) == []  # nor by fragments of its ciphertext
    by_number = petitions_filter(queryset=Petition.objects.all(), filters=PetitionFilters(text=accusation.number))
    assert list(by_number) == [accusation]


def test_changing_the_type_to_accusation_encrypts_and_back_decrypts(grievance):
    grievance.petition_type = PetitionType.ACCUSATION
    grievance.save(update_fields=["petition_type", "updated_at"])  # as a correction of the type would
    assert raw_text(grievance)[0].startswith(crypto.TEXT_MARKER)
    assert Petition.objects.get(pk=grievance.pk).summary == "反映某建筑公司拖欠农民工工资"

    grievance.petition_type = PetitionType.GRIEVANCE
    grievance.save(update_fields=["petition_type"])
    assert raw_text(grievance)[0] == "反映某建筑公司拖欠农民工工资"


def test_saving_only_the_text_of_an_accusation_still_encrypts_it(accusation):
    accusation.demands = "请求依法查处王副镇长。"
    accusation.save(update_fields=["demands"])
    assert_sealed(raw_text(accusation))
    assert Petition.objects.get(pk=accusation.pk).demands == "请求依法查处王副镇长。"


def test_a_grievance_whose_text_looks_like_ciphertext_is_encrypted_so_reads_stay_unambiguous(grievance):
    grievance.summary = crypto.TEXT_MARKER + "not really"
    grievance.save()
    assert Petition.objects.get(pk=grievance.pk).summary == crypto.TEXT_MARKER + "not really"


@pytest.mark.parametrize("write", [
    lambda pk: Petition.objects.filter(pk=pk).update(summary="明文"),
    lambda pk: Petition.objects.filter(pk=pk).update(petition_type=PetitionType.GRIEVANCE),
    lambda pk: Petition.objects.bulk_update([Petition(pk=pk, content="明文")], ["content"]),
])
def test_writes_that_bypass_encryption_are_refused(accusation, write):
    with pytest.raises(ValueError, match="save"):
        write(accusation.pk)
    assert_sealed(raw_text(accusation))


def test_a_notice_of_an_accusation_keeps_no_plaintext_copy_of_its_text(accusation, actors, district):
    act(accusation, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.department.pk)
    notice = Notice.objects.get(petition=accusation)
    assert not any(word in raw_notice_content(notice) for word in WORDS)


@pytest.mark.parametrize("engine", ["bulk", "services"])
def test_an_imported_accusation_is_stored_encrypted(accusation, district, tmp_path, engine):
    importer = user_create(username="importer", password="pw-123456", org=district.office,
                           roles=[Role.ADMINISTRATOR], is_superuser=True)
    record = exported()  # from another system: imported as a new petition beside the original
    report = import_file(path=write_jsonl(tmp_path / "in.jsonl", [record]), actor=importer, engine=engine)
    assert report.errors == [] and report.created == 1
    imported = Petition.objects.exclude(pk=accusation.pk).get()
    assert_sealed(raw_text(imported))
    assert (imported.summary, imported.content, imported.demands) == (SUMMARY, CONTENT, DEMANDS)


def test_the_demo_generator_stores_its_accusations_encrypted(db):
    generate_petitions(n=60, seed=3, district=district_build(), until=date(2026, 3, 1))
    accusations = list(Petition.objects.filter(petition_type=PetitionType.ACCUSATION))
    assert accusations
    for petition in accusations:
        stored = raw_text(petition)
        assert stored[0].startswith(crypto.TEXT_MARKER) and stored[1].startswith(crypto.TEXT_MARKER)
        assert petition.summary and not petition.summary.startswith(crypto.TEXT_MARKER)


def migration(name: str):
    return importlib.import_module(f"xinfang.petitions.migrations.{name}")


def test_the_data_migration_encrypts_existing_accusations_and_its_reverse_decrypts(accusation, grievance):
    with connection.cursor() as cursor:  # as stored before this migration
        cursor.execute("UPDATE petitions_petition SET summary = %s, content = %s, demands = %s WHERE id = %s",
                       [SUMMARY, CONTENT, DEMANDS, accusation.pk])
    step = migration("0006_encrypt_accusation_text")

    step.encrypt_accusations(apps, None)
    assert_sealed(raw_text(accusation))
    assert Petition.objects.get(pk=accusation.pk).content == CONTENT
    assert raw_text(grievance)[0] == "反映某建筑公司拖欠农民工工资"

    step.decrypt_accusations(apps, None)
    assert raw_text(accusation) == (SUMMARY, CONTENT, DEMANDS)


# --- attachments ---------------------------------------------------------------------------------------


@pytest.fixture
def with_photos(district, category) -> Petition:
    petition, _ = petition_register(data=petition_input(
        locality=district.township_a, category=category,
        attachments=[UploadInput(name="现场照片.png", data=PNG),
                     UploadInput(name="收据.png", data=PNG.replace("现场照片".encode(), "收款收据".encode()))],
    ), actor=district.clerk)
    return petition


def on_disk(attachment: Attachment) -> Path:
    return Path(attachment.file.path)


def download(client, attachment: Attachment):
    return client.get(f"/petitions/{attachment.petition_id}/attachments/{attachment.pk}/")


def test_an_attachment_file_on_disk_holds_none_of_its_bytes(with_photos):
    photo = with_photos.attachments.get(original_name="现场照片.png")
    stored = on_disk(photo).read_bytes()
    assert stored.startswith(crypto.FILE_MAGIC)
    assert "现场照片的原始字节".encode() not in stored and b"IHDR" not in stored
    assert photo.sha256 == hashlib.sha256(PNG).hexdigest() and photo.size == len(PNG)  # of the plaintext


def test_an_attachment_downloads_intact(client, with_photos, district):
    photo = with_photos.attachments.get(original_name="现场照片.png")
    client.force_login(district.clerk)
    response = download(client, photo)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PNG


def test_a_file_swapped_onto_another_attachment_is_refused(client, with_photos, district):
    photo, receipt = with_photos.attachments.order_by("id")
    shutil.copyfile(on_disk(receipt), on_disk(photo))  # a validly sealed file, of another attachment
    client.force_login(district.clerk)
    response = download(client, photo)
    assert response.status_code == 409
    assert "收款收据".encode() not in response.content
    with pytest.raises(AttachmentTampered):
        attachment_read(photo)


def test_an_altered_or_plaintext_file_is_refused(with_photos):
    photo = with_photos.attachments.order_by("id").first()
    sealed = bytearray(on_disk(photo).read_bytes())
    sealed[-1] ^= 1
    on_disk(photo).write_bytes(bytes(sealed))
    with pytest.raises(AttachmentTampered):
        attachment_read(photo)
    on_disk(photo).write_bytes(PNG)  # a plaintext file put in its place
    with pytest.raises(AttachmentTampered):
        attachment_read(photo)


def test_the_file_migration_seals_plaintext_files_once_and_its_reverse_opens_them(with_photos):
    photo = with_photos.attachments.order_by("id").first()
    on_disk(photo).write_bytes(PNG)  # as stored before this migration
    step = migration("0007_encrypt_attachment_files")

    step.seal_files(apps, None)
    sealed = on_disk(photo).read_bytes()
    assert sealed.startswith(crypto.FILE_MAGIC) and attachment_read(photo) == PNG
    step.seal_files(apps, None)  # again, after an interruption: sealed files are left as they are
    assert on_disk(photo).read_bytes() == sealed

    step.unseal_files(apps, None)
    assert on_disk(photo).read_bytes() == PNG


# --- keys ----------------------------------------------------------------------------------------------


def test_ciphertexts_name_their_key_and_a_retired_key_still_opens_them(accusation, with_photos, settings):
    old_key_id = crypto.current_key_id()
    assert raw_text(accusation)[0].startswith(f"{crypto.TEXT_MARKER}{crypto.AES}:{old_key_id}:")
    photo = with_photos.attachments.order_by("id").first()

    settings.XINFANG_RETIRED_DATA_KEYS = [settings.XINFANG_DATA_KEY]
    settings.XINFANG_DATA_KEY = "a-rotated-test-key"
    assert crypto.current_key_id() != old_key_id
    assert Petition.objects.get(pk=accusation.pk).summary == SUMMARY
    assert attachment_read(photo) == PNG

    settings.XINFANG_RETIRED_DATA_KEYS = []
    with pytest.raises(crypto.UnknownKey, match=old_key_id):
        Petition.objects.get(pk=accusation.pk)


def test_a_ciphertext_moved_to_another_column_does_not_open(accusation):
    summary, _, _ = raw_text(accusation)
    with pytest.raises(InvalidTag):  # the associated data names the column
        crypto.open_text(summary, context="petitions.petition.content")


FACTS, DECISION = "经查，副镇长王某确有收受红包情形", "移送区纪委监委依纪依法处理"


def raw_event(event) -> tuple[str, str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT note, data FROM petitions_petitionevent WHERE id = %s", [event.pk])
        note, data = cursor.fetchone()
    # Decoded: JSON escapes Chinese (\\uXXXX), so the raw text would never show the words either way.
    data = json.loads(data) if isinstance(data, str) else data
    return note, json.dumps(data, ensure_ascii=False)


def test_what_officials_write_about_an_accusation_is_sealed_too(accusation, grievance, actors, district):
    # given: the county bureau handles the accusation and writes its findings and decision
    for petition in (accusation, grievance):
        act(petition, "forward", actors.reviewer, on=date(2026, 3, 3), handling_org=district.department.pk)
        act(petition, "accept", district.department_user, on=date(2026, 3, 5))
        head = user_create(username=f"renshe-head-{petition.pk}", password="pw-123456", org=district.department,
                           roles=[Role.HANDLING_ORG_HEAD])
        outcome = "substantiated" if petition.petition_type == PetitionType.ACCUSATION else "partly_supported"
        act(petition, "reply", head, on=date(2026, 4, 1), outcome=outcome, facts=FACTS,
            decision=DECISION, legal_basis="《信访工作条例》第三十二条")
    # then: the accusation's stored event names neither; the grievance's stays plain (and searchable)
    reply = accusation.events.get(kind="reply")
    assert not any(word in part for part in raw_event(reply) for word in (FACTS, DECISION, "副镇长"))
    assert FACTS in raw_event(grievance.events.get(kind="reply"))[1]
    # and every read through the ORM gives them back
    assert reply.data["values"]["facts"] == FACTS and reply.note == DECISION
    assert dict(accusation.events.filter(kind="reply").values_list("kind", "data"))["reply"]["values"]["decision"] \
        == DECISION
