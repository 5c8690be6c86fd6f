"""One world for the permission matrix: a city, two counties, every kind of org, users of every role.

Built once per package through the real services inside an outer transaction (as Django's
``TestCase.setUpTestData`` does); each test runs in a savepoint of it and is rolled back, and the
whole world is rolled back when the package's tests end, so other packages see an empty database.

The expected answers come from ``expected_visible`` below: the policy written out independently of
``src/`` (docs/SECURITY.md, "Permission matrix").
"""

from dataclasses import dataclass, field
from datetime import datetime

import pytest
from django.conf import settings
from django.db import transaction
from django.test import Client
from django.utils import timezone

from tests.conftest import petition_input
from xinfang.api.services import api_token_create
from xinfang.matching.models import MassCluster
from xinfang.matching.services import repeat_link
from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, user_create
from xinfang.petitions.models import Category, HotTopic, Petition, PetitionType
from xinfang.petitions.reference_data import load_reference_data
from xinfang.petitions.services import PetitionerInput, UploadInput, petition_register
from xinfang.workflow.rules import RULES
from xinfang.workflow.services import petition_act

K, L = Org.Kind, Org.Level

# key, name, kind, level, parent key, number prefix
ORGS = (
    ("city", "滨江市人民政府", K.GOVERNMENT, L.CITY, None, ""),
    ("city_office", "滨江市信访局", K.PETITION_OFFICE, L.CITY, "city", "BJXF"),
    ("county", "清溪区人民政府", K.GOVERNMENT, L.COUNTY, "city", ""),
    ("county_office", "清溪区信访办", K.PETITION_OFFICE, L.COUNTY, "county", "QXXF"),
    ("department", "清溪区人力社保局", K.DEPARTMENT, L.COUNTY, "county", ""),
    ("political_legal", "清溪区政法委", K.POLITICAL_LEGAL, L.COUNTY, "county", ""),
    ("discipline", "清溪区纪委监委", K.DISCIPLINE, L.COUNTY, "county", ""),
    ("township_a", "青石镇", K.TOWNSHIP, L.TOWNSHIP, "county", ""),
    ("township_a_office", "青石镇信访办", K.PETITION_OFFICE, L.TOWNSHIP, "township_a", "QSXF"),
    ("village_a1", "桃源村", K.VILLAGE, L.VILLAGE, "township_a", ""),
    ("township_b", "白沙镇", K.TOWNSHIP, L.TOWNSHIP, "county", ""),
    ("village_b1", "沙湾村", K.VILLAGE, L.VILLAGE, "township_b", ""),
    ("other_county", "河东县人民政府", K.GOVERNMENT, L.COUNTY, "city", ""),
    ("other_office", "河东县信访办", K.PETITION_OFFICE, L.COUNTY, "other_county", "HDXF"),
)

# One reader per org (reviewer + handler: every read path is open to them), and superusers inside orgs.
READER_ORGS = ("county_office", "township_a_office", "township_a", "village_a1", "department", "political_legal",
               "discipline", "county", "city", "township_b", "other_county")
SUPERUSER_ORGS = ("township_a", "county", None)
READER_ROLES = (Role.REVIEWER, Role.HANDLER)
READERS = tuple(f"r-{org}" for org in READER_ORGS) + tuple(f"su-{org or 'none'}" for org in SUPERUSER_ORGS)
# Users of every single role in these orgs: the action matrix and the reveal policy.
ROLE_ORGS = ("county_office", "township_a", "county", "city", "township_b", "village_a1", "other_county",
             "other_office")

# Art 30 and the reveal policy, as the lead stated it.
REVEAL_ROLES = frozenset({Role.INTAKE_CLERK, Role.REVIEWER, Role.HANDLER, Role.HANDLING_ORG_HEAD, Role.SUPERVISOR,
                          Role.LEADER})
JURISDICTION_KINDS = (K.GOVERNMENT, K.TOWNSHIP)

PERIOD = ("2026-01-01", "2026-12-31")


def when(month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(2026, month, day, 10, 0))


def make_id_number(seq: int) -> str:
    """A valid resident ID number (GB 11643 check digit) of a fictional person born 1980-01-01."""
    body = f"50011219800101{seq:03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


SURNAMES = "钱孙周吴郑冯陈褚卫蒋沈韩杨朱秦尤许何吕施"
GIVEN = ("秘甲", "秘乙", "秘丙", "秘丁", "秘戊", "秘己", "秘庚", "秘辛")


def make_name(seq: int) -> str:
    return SURNAMES[seq % len(SURNAMES)] + GIVEN[seq // len(SURNAMES)]


# Distinct texts, so that only the cluster's petitions are alike (and only the chain's are one person).
TEXTS = {
    "G_A": "桃源村道路修建占用耕地未给补偿，请求依法补偿青苗费。",
    "G_B": "白沙镇某企业停产后未为职工缴纳社会保险，请求补缴。",
    "G_TOWN": "青石镇集市摊位费收取标准不公开，请求公开收费依据。",
    "ACC_T": "检举镇领导在扶贫项目验收中弄虚作假、虚报工程量套取资金。",
    "ACC_C": "检举区政府有关负责人违规干预土地出让、为亲属企业谋利。",
    "ACC_D": "检举人社局工作人员在职业技能补贴审核中收受好处费。",
    "ACC_CH": "检举镇干部在低保评定中优亲厚友，将不符合条件的亲属纳入低保。",
    "GR_CH": "本人家庭困难申请低保多次未获批准，请求重新评定低保资格。",
    "GR_PROBE": "再次反映本人低保申请未获批准的问题，请求尽快答复。",
    "CLUSTER": "我们是滨江花园小区业主，开发商逾期两年未办理房产证，多次协商无果，请求督促开发商尽快办证。",
    "G_OTHER": "河东县某小区物业擅自提高物业费，请求核查收费标准。",
    "G_LAW": "本人与邻居宅基地纠纷已起诉至法院，判决后对方拒不履行，请求督促执行。",
    "STATE": "反映某建筑公司拖欠农民工工资三个月未付，请求督促支付。",
}

# key, registering clerk's org, type, locality, complained org, received, text, what the builder does next
CORE = (
    ("G_A", "county_office", PetitionType.GRIEVANCE, "village_a1", None, when(3, 2), "G_A",
     ("forward", {"handling_org": "township_a"})),
    ("G_B", "county_office", PetitionType.GRIEVANCE, "township_b", None, when(3, 3), "G_B",
     ("forward", {"handling_org": "department"})),
    ("G_TOWN", "township_a_office", PetitionType.GRIEVANCE, "township_a", None, when(3, 4), "G_TOWN",
     ("forward", {"handling_org": "township_a"})),
    ("ACC_T", "county_office", PetitionType.ACCUSATION, "village_a1", "township_a", when(3, 5), "ACC_T",
     ("forward", {"handling_org": "discipline"})),
    ("ACC_C", "county_office", PetitionType.ACCUSATION, "township_b", "county", when(3, 6), "ACC_C",
     ("redirect", {"legal_pathway": "arbitration"})),
    ("ACC_D", "county_office", PetitionType.ACCUSATION, "township_b", "department", when(3, 7), "ACC_D",
     ("forward", {"handling_org": "discipline"})),
    ("ACC_CH", "county_office", PetitionType.ACCUSATION, "township_a", "township_a", when(5, 1), "ACC_CH",
     ("forward", {"handling_org": "discipline"})),
    ("GR_CH", "county_office", PetitionType.GRIEVANCE, "township_a", None, when(5, 10), "GR_CH", None),
    ("ACC_CL", "county_office", PetitionType.ACCUSATION, "village_a1", "township_a", when(4, 1), "CLUSTER",
     ("forward", {"handling_org": "discipline"})),
    ("GR_CL1", "county_office", PetitionType.GRIEVANCE, "village_a1", None, when(4, 5), "CLUSTER", None),
    ("GR_CL2", "county_office", PetitionType.GRIEVANCE, "village_a1", None, when(4, 10), "CLUSTER", None),
    ("GR_CL3", "county_office", PetitionType.GRIEVANCE, "village_a1", None, when(4, 12), "CLUSTER", None),
    ("GR_PROBE", "county_office", PetitionType.GRIEVANCE, "township_a", None, when(5, 20), "GR_PROBE", None),
    ("G_LAW", "county_office", PetitionType.GRIEVANCE, "township_b", None, when(3, 9), "G_LAW",
     ("forward", {"handling_org": "political_legal"})),
    ("G_OTHER", "other_office", PetitionType.GRIEVANCE, "other_county", None, when(3, 8), "G_OTHER", None),
)
# The petitions the per-petition read paths are tried on.
TARGETS = ("G_A", "G_TOWN", "ACC_T", "ACC_C", "ACC_D", "ACC_CH", "GR_CH", "GR_PROBE")
# The readers they are tried by: every kind of org and every relation (the superuser without an org, who
# sees everything, and the other county, which sees nothing of these, are left to the whole-world paths).
TARGET_READERS = tuple(r for r in READERS if r not in ("su-none", "r-other_county"))

# How to bring a petition into each state (as tests/workflow/test_rules_matrix.py).
PATHS = {
    "registered": [],
    "forwarded": ["forward"],
    "assigned": ["assign"],
    "objected": ["forward", "object"],
    "accepted": ["forward", "accept"],
    "in_hearing": ["forward", "accept", "hearing_start"],
    "drafted": ["forward", "accept", "draft_reply"],
    "rejected": ["reject"],
    "redirected": ["redirect"],
    "replied": ["forward", "accept", "reply"],
    "delivered": ["forward", "accept", "reply", "deliver"],
    "closed": ["forward", "accept", "reply", "deliver", "close"],
    "under_review": ["forward", "accept", "reply", "deliver", "request_review"],
    "reviewed": ["forward", "accept", "reply", "deliver", "request_review", "decide_review"],
    "under_re_review": ["forward", "accept", "reply", "deliver", "request_review", "decide_review",
                        "request_re_review"],
    "final": ["forward", "accept", "reply", "deliver", "request_review", "decide_review", "request_re_review",
              "decide_re_review"],
}


def state_for(rule) -> str:
    return next(state for state in PATHS if state in rule.sources)


ACTION_STATES = sorted({state_for(rule) for rule in RULES}, key=list(PATHS).index)


def values_for(action: str, orgs: dict[str, Org], final_number: str = "", accusation: bool = False) -> dict:
    """Valid values for each rule (org values as ids, as the API takes them)."""
    if action in ("reply", "draft_reply") and accusation:
        return {"outcome": "substantiated", "facts": "查明属实", "decision": "依纪依法处理", "legal_basis": "有关规定"}
    return {
        "forward": {"handling_org": orgs["township_a"].pk},
        "assign": {"handling_org": orgs["township_a"].pk, "report_days": 30},
        "reject": {"rejection_reason": "not_a_petition"},
        "redirect": {"legal_pathway": "arbitration"},
        "refuse_repeat": {"same_matter_as": final_number},
        "object": {"reason": "不属本单位职权"},
        "objection_refuse": {"reason": "属于属地职责"},
        "extend": {"days": 10, "reason": "情况复杂"},
        "mediate": {"agreement": "双方同意分期支付"},
        "reply": {"outcome": "supported", "facts": "查明属实", "decision": "予以支持", "legal_basis": "有关规定"},
        "draft_reply": {"outcome": "supported", "facts": "查明属实", "decision": "予以支持", "legal_basis": "有关规定"},
        "return_draft": {"reason": "请补充事实"},
        "investigate": {"investigation_method": "phone", "investigation_note": "电话核实"},
        "deliver": {"delivery_method": "in_person"},
        "report_back": {"report": "已办结"},
        "evaluate": {"rating": "satisfied", "rated_by": "petitioner"},
        "request_review": {"reviewing_org": orgs["county"].pk},
        "decide_review": {"review_outcome": "uphold", "reasons": "事实清楚"},
        "request_re_review": {"reviewing_org": orgs["city"].pk},
        "decide_re_review": {"review_outcome": "uphold", "reasons": "维持"},
    }.get(action, {})


@dataclass
class Person:
    name: str
    id_number: str
    phone: str


@dataclass
class Info:
    """What a test needs to know about one petition, read once after the world is built."""

    key: str
    pk: int
    number: str
    marker: str
    petition_type: str
    registering_org_id: int
    locality_id: int
    handling_org_id: int | None
    complained_org_id: int | None
    received_at: datetime
    people: list[Person]
    petitioner_ids: list[int]
    attachment_id: int | None
    notice_id: int | None


@dataclass
class World:
    orgs: dict[str, Org]
    users: dict[str, User]
    tokens: dict[str, str]
    sessions: dict[str, str]  # reader -> session cookie
    petitions: dict[str, Info]  # every petition of the world, core and procedural
    state_petitions: dict[tuple[str, str], str]  # (state, "grievance"|"accusation") -> key
    cluster_id: int
    final_number: str
    org_by_pk: dict[int, Org] = field(default_factory=dict)

    def user(self, key: str) -> User:
        """A fresh copy: role and scope caches live on the instance."""
        return User.objects.select_related("org").get(pk=self.users[key].pk)


def role_user_key(org: str, role: str) -> str:
    return f"{org}:{role}"


def _build() -> World:
    load_reference_data(Category, HotTopic)
    category = Category.objects.get(code="0301")
    orgs: dict[str, Org] = {}
    for key, name, kind, level, parent, prefix in ORGS:
        orgs[key] = org_create(name=name, kind=kind, level=level, parent=orgs[parent] if parent else None,
                               number_prefix=prefix)
    users: dict[str, User] = {}
    for org in READER_ORGS:
        users[f"r-{org}"] = user_create(username=f"r-{org}", password="pw-123456", org=orgs[org],
                                        roles=READER_ROLES)
    for org in SUPERUSER_ORGS:
        key = f"su-{org or 'none'}"
        users[key] = user_create(username=key, password="pw-123456", org=orgs[org] if org else None,
                                 roles=[], is_superuser=True)
    users["su-village_a1"] = user_create(username="su-village_a1", password="pw-123456", org=orgs["village_a1"],
                                         roles=[], is_superuser=True)
    for org in ROLE_ORGS:
        for role in Role.values:
            key = role_user_key(org, role)
            users[key] = user_create(username=key.replace(":", "-"), password="pw-123456", org=orgs[org],
                                     roles=[role])
    clerks = {org: user_create(username=f"clerk-{org}", password="pw-123456", org=orgs[org],
                               roles=[Role.INTAKE_CLERK, Role.REVIEWER])
              for org in ("county_office", "township_a_office", "other_office")}
    # Acts for every side; sits in the city, above every accused unit of the world.
    builder = user_create(username="builder", password="pw-123456", org=orgs["city"], roles=[Role.ADMINISTRATOR],
                          is_superuser=True)
    tokens = {key: api_token_create(user=users[key], name="matrix") for key in READERS}
    sessions = {}
    for key in READERS:  # logged in once: the session rows live as long as the world
        client = Client()
        client.force_login(users[key])
        sessions[key] = client.cookies[settings.SESSION_COOKIE_NAME].value

    seq = iter(range(1, 1000))
    created: dict[str, Petition] = {}
    people: dict[str, list[Person]] = {}
    markers: dict[str, str] = {}

    def register(key, clerk_org, petition_type, locality, complained, received, text, person: Person):
        marker = f"ZQ{next(seq):03d}MK"
        markers[key] = marker
        people[key] = [person]
        data = petition_input(
            locality=orgs[locality], category=category, petition_type=petition_type,
            complained_org_id=orgs[complained].pk if complained else None, received_at=received,
            summary=f"{marker}{TEXTS[text][:20]}", content=TEXTS[text], demands="请求依法处理。",
            petitioners=[PetitionerInput(name=person.name, id_number=person.id_number, phone=person.phone,
                                         address=f"{orgs[locality].name}{len(created) + 1}号")],
            attachments=[UploadInput(name="材料.txt", data=f"附件材料 {marker}".encode())],
        )
        petition, _ = petition_register(data=data, actor=clerks[clerk_org])
        created[key] = petition
        return petition

    def person(n: int) -> Person:
        return Person(make_name(n), make_id_number(n), f"139{n:08d}")

    probe_person = person(90)
    for n, (key, clerk_org, ptype, locality, complained, received, text, then) in enumerate(CORE):
        who = probe_person if key in ("GR_CH", "GR_PROBE") else person(n + 1)
        petition = register(key, clerk_org, ptype, locality, complained, received, text, who)
        if key == "GR_CH":  # confirmed as a repeat of the accusation (the county office's reviewer may)
            repeat_link(actor=builder, petition_id=petition.pk, first_petition_id=created["ACC_CH"].pk,
                        reason="经比对确认为同一事项")
        if then:
            action, values = then
            values = {k: orgs[v].pk if k == "handling_org" else v for k, v in values.items()}
            petition_act(petition_id=petition.pk, action=action, actor=builder, values=values)

    # The procedure: a grievance and an accusation against village A1 in each state the rules start from,
    # both located in township A's area and sent to township A (the village is inside the handling org).
    state_person = person(91)
    state_petitions = {}
    final = None
    for state in ["final", *ACTION_STATES]:
        for kind, ptype, locality, complained in (("grievance", PetitionType.GRIEVANCE, "township_a", None),
                                                  ("accusation", PetitionType.ACCUSATION, "village_a1",
                                                   "village_a1")):
            key = f"final-root:{kind}" if final is None else f"{state}:{kind}"
            petition = register(key, "county_office", ptype, locality, complained, when(11, 2), "STATE",
                                state_person)
            for action in PATHS[state]:
                petition = petition_act(petition_id=petition.pk, action=action, actor=builder,
                                        values=values_for(action, orgs, final.number if final else "",
                                                          accusation=kind == "accusation"))
            assert petition.status == state, (key, petition.status)
            state_petitions[(state, kind)] = key
        if final is None:
            final = created["final-root:grievance"]

    cluster = MassCluster.objects.filter(members__petition=created["ACC_CL"]).first()
    assert cluster is not None and cluster.petition_count == 4, "the world needs its mass matter"
    info = {}
    for key, petition in created.items():
        petition.refresh_from_db()
        notice = petition.notices.order_by("id").first()
        attachment = petition.attachments.order_by("id").first()
        info[key] = Info(
            key=key, pk=petition.pk, number=petition.number, marker=markers[key],
            petition_type=petition.petition_type, registering_org_id=petition.registering_org_id,
            locality_id=petition.locality_id, handling_org_id=petition.handling_org_id,
            complained_org_id=petition.complained_org_id, received_at=petition.received_at, people=people[key],
            petitioner_ids=list(petition.parties.values_list("petitioner_id", flat=True)),
            attachment_id=attachment.pk if attachment else None, notice_id=notice.pk if notice else None,
        )
    world = World(orgs=orgs, users=users, tokens=tokens, sessions=sessions, petitions=info,
                  state_petitions={k: v for k, v in state_petitions.items() if not v.startswith("final-root")},
                  cluster_id=cluster.pk, final_number=final.number)
    world.org_by_pk = {org.pk: org for org in Org.objects.all()}
    return world


@pytest.fixture(scope="package")
def world(django_db_setup, django_db_blocker) -> World:
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            built = _build()
        except BaseException:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture(autouse=True)
def _in_world(world, db):
    """Every test sees the world; what it changes is rolled back with its savepoint."""
    return world


# --- the policy, written out ----------------------------------------------------------------------


def _is_under(org: Org, root: Org) -> bool:
    return org.path.startswith(root.path)


def expected_scope_root(world: World, org: Org) -> Org:
    """A petition office works for its jurisdiction: the nearest government or township above it."""
    if org.kind == K.PETITION_OFFICE:
        for pk in reversed(org.ancestor_ids[:-1]):
            if world.org_by_pk[pk].kind in JURISDICTION_KINDS:
                return world.org_by_pk[pk]
    return org


def accused_relation(world: World, user: User, info: Info) -> str:
    """"accused", "inside-accused" or "" for an accusation and the user's org (the registering org excepted)."""
    if user.org_id is None or info.petition_type != PetitionType.ACCUSATION or info.complained_org_id is None:
        return ""
    if user.org_id == info.registering_org_id:
        return ""  # the registering office keeps what it registered, even against a unit above it
    if user.org_id == info.complained_org_id:
        return "accused"
    if info.complained_org_id in world.org_by_pk[user.org_id].ancestor_ids:
        return "inside-accused"
    return ""


def expected_visible(world: World, user: User, info: Info) -> bool:
    if user.is_system_only:  # 三权分立: the system, security and audit administrators read no petition
        return False
    if user.org_id is None:
        return user.is_superuser
    if accused_relation(world, user, info):
        return False
    if user.is_superuser:
        return True
    root = expected_scope_root(world, world.org_by_pk[user.org_id])
    return any(_is_under(world.org_by_pk[pk], root)
               for pk in (info.registering_org_id, info.locality_id, info.handling_org_id) if pk)


def relation(world: World, user: User, info: Info) -> str:
    """How the user's org stands to the petition: the matrix's org-relation axis."""
    accused = accused_relation(world, user, info)
    if accused:
        return "superuser-in-accused" if user.is_superuser else accused
    if user.org_id is None:
        return "superuser-no-org"
    if (info.petition_type == PetitionType.ACCUSATION and user.org_id == info.registering_org_id
            and info.complained_org_id in world.org_by_pk[user.org_id].ancestor_ids):
        return "registering-office-inside-accused"
    if user.org_id in (info.registering_org_id, info.locality_id, info.handling_org_id):
        return "own"
    if expected_visible(world, user, info):
        return "superuser-scope" if user.is_superuser else "subordinate"
    return "other"
