"""A fictional district (清溪区) with its offices, departments, townships, villages and demo accounts.

Everything is created through `org_create` and `user_create`, so the audit chain records it like any
other setup. Names and region codes are invented: 清溪区 (500199), 江岭省 and 滨江市 do not exist.
"""

from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction

from xinfang.orgs.models import Org, Role, User
from xinfang.orgs.services import org_create, user_create

DEMO_PASSWORD = "xinfang-demo"
DISTRICT_NAME = "清溪区"
DISTRICT_REGION_CODE = "500199"
OFFICE_NUMBER_PREFIX = "QXXF"


@dataclass(frozen=True)
class DepartmentSpec:
    slug: str
    name: str
    short_name: str
    kind: str = Org.Kind.DEPARTMENT


@dataclass(frozen=True)
class TownshipSpec:
    slug: str
    name: str
    code: str  # last three digits of the 9-digit code: 0xx streets, 1xx towns, 2xx townships
    villages: tuple[str, ...]  # names ending in 社区 are communities (code 0xx), the rest villages (2xx)
    population_weight: int  # how many petitions come from here, relatively


DEPARTMENTS: tuple[DepartmentSpec, ...] = (
    DepartmentSpec("renshe", "清溪区人力资源和社会保障局", "区人社局"),
    DepartmentSpec("zhujian", "清溪区住房和城乡建设委员会", "区住建委"),
    DepartmentSpec("guizi", "清溪区规划和自然资源局", "区规划自然资源局"),
    DepartmentSpec("chengguan", "清溪区城市管理局", "区城管局"),
    DepartmentSpec("jiaowei", "清溪区教育委员会", "区教委"),
    DepartmentSpec("weijian", "清溪区卫生健康委员会", "区卫健委"),
    DepartmentSpec("minzheng", "清溪区民政局", "区民政局"),
    DepartmentSpec("shengtai", "清溪区生态环境局", "区生态环境局"),
    DepartmentSpec("shichang", "清溪区市场监督管理局", "区市场监管局"),
    DepartmentSpec("jiaotong", "清溪区交通运输局", "区交通局"),
    DepartmentSpec("nongye", "清溪区农业农村委员会", "区农业农村委"),
    DepartmentSpec("tuiyi", "清溪区退役军人事务局", "区退役军人局"),
    DepartmentSpec("gongan", "滨江市公安局清溪区分局", "清溪公安分局", Org.Kind.POLITICAL_LEGAL),
    DepartmentSpec("fayuan", "清溪区人民法院", "区法院", Org.Kind.POLITICAL_LEGAL),
    DepartmentSpec("jianchayuan", "清溪区人民检察院", "区检察院", Org.Kind.POLITICAL_LEGAL),
    DepartmentSpec("sifa", "清溪区司法局", "区司法局", Org.Kind.POLITICAL_LEGAL),
    DepartmentSpec("jiwei", "清溪区纪委监委", "区纪委监委", Org.Kind.DISCIPLINE),
)

TOWNSHIPS: tuple[TownshipSpec, ...] = (
    TownshipSpec("qingxi", "清溪街道", "001", (
        "滨江社区", "文昌社区", "桂花社区", "新华社区", "学府社区", "锦绣社区", "清溪路社区"), 14),
    TownshipSpec("longquan", "龙泉街道", "002", (
        "龙泉社区", "望江社区", "双桥社区", "天星社区", "碧水社区", "长生社区"), 12),
    TownshipSpec("baihe", "白鹤街道", "003", (
        "白鹤社区", "松林社区", "金竹社区", "玉带社区", "鹤鸣社区", "城南社区", "兴隆社区"), 11),
    TownshipSpec("qingshi", "青石镇", "101", (
        "青石社区", "桃源村", "石桥村", "青龙村", "龙井村", "柏林村", "花园村", "大河村"), 9),
    TownshipSpec("baisha", "白沙镇", "102", (
        "白沙社区", "沙坪村", "河坝村", "新街村", "长岭村", "黄桷村", "梨树村"), 8),
    TownshipSpec("shilong", "石龙镇", "103", (
        "石龙社区", "龙门村", "凤凰村", "观音村", "马鞍村", "田坝村", "高峰村", "永安村", "中和村"), 8),
    TownshipSpec("taohua", "桃花镇", "104", (
        "桃花社区", "杏花村", "新桥村", "红岩村", "金山村", "团结村"), 6),
    TownshipSpec("yongxing", "永兴镇", "105", (
        "永兴社区", "太平村", "石堰村", "大湾村", "双河村", "庙坝村", "清泉村", "和平村", "水井村", "复兴村"), 7),
    TownshipSpec("shuangfeng", "双凤镇", "106", (
        "双凤社区", "凤鸣村", "金鸡村", "银杏村", "三合村", "桥头村", "荷花村"), 6),
    TownshipSpec("liuhe", "柳河镇", "107", (
        "柳河社区", "柳林村", "河口村", "杨柳村", "新民村", "四合村", "古井村", "向阳村"), 6),
    TownshipSpec("yunfeng", "云峰乡", "201", (
        "云峰村", "云台村", "峰顶村", "松柏村", "茶园村", "竹林村"), 3),
    TownshipSpec("sancha", "三岔乡", "202", (
        "三岔村", "岔河村", "石门村", "高坪村", "枫香村", "黄泥村", "青杠村"), 3),
)


@dataclass(frozen=True)
class AccountSpec:
    username: str
    full_name: str
    roles: tuple[str, ...]
    org: str  # "office", "government", a township slug or a department slug
    is_superuser: bool = False


# One account per role for trying the system, then one handler per township and department.
CORE_ACCOUNTS: tuple[AccountSpec, ...] = (
    AccountSpec("clerk", "林晓燕", (Role.INTAKE_CLERK,), "office"),
    AccountSpec("reviewer", "周建国", (Role.REVIEWER,), "office"),
    AccountSpec("handler", "陈志强", (Role.HANDLER,), "qingshi"),
    AccountSpec("head", "王德明", (Role.HANDLING_ORG_HEAD,), "qingshi"),
    AccountSpec("supervisor", "刘红梅", (Role.SUPERVISOR,), "office"),
    AccountSpec("leader", "赵立新", (Role.LEADER,), "government"),
    # The district government decides reviews (复查) of its townships' and departments' decisions (Art 35):
    # its own head, not the petition office nor the township whose decision is reviewed.
    AccountSpec("fucha", "吴秀兰", (Role.HANDLING_ORG_HEAD,), "government"),
    AccountSpec("stats", "孙雅琴", (Role.STATISTICIAN,), "office"),
    AccountSpec("admin", "系统管理员", (Role.ADMINISTRATOR,), "office", is_superuser=True),
    # 三权分立: the security administrator grants roles, the auditor reads the audit log; neither reads a case.
    AccountSpec("secadmin", "郭安", (Role.SECURITY_ADMIN,), "office"),
    AccountSpec("auditor", "何审", (Role.AUDITOR,), "office"),
)


@dataclass
class Township:
    org: Org
    slug: str
    villages: list[Org]
    population_weight: int


@dataclass
class DemoAccount:
    username: str
    password: str
    roles: tuple[str, ...]
    org_name: str


@dataclass
class DemoDistrict:
    province: Org
    city: Org
    government: Org
    office: Org
    departments: dict[str, Org]
    townships: list[Township]
    users: dict[str, User]
    accounts: list[DemoAccount] = field(default_factory=list)

    @property
    def clerk(self) -> User:
        return self.users["clerk"]


def _org(*, parent: Org | None, name: str, created: list[Org], **fields) -> Org:
    """The child of `parent` with this name, created through the audited service if missing."""
    existing = Org.objects.filter(parent=parent, name=name).first()
    if existing is not None:
        return existing
    org = org_create(name=name, parent=parent, **fields)
    created.append(org)
    return org


def _village_code(township_code: str, index: int, name: str) -> str:
    # GB/T 10114 practice: 居委会 (communities) take 0xx, 村委会 (villages) 2xx.
    return f"{township_code}{(1 if name.endswith('社区') else 200) + index:03d}"


@transaction.atomic
def district_build(*, password: str = DEMO_PASSWORD) -> DemoDistrict:
    """Create the fictional district and its demo accounts; a second call returns what exists."""
    created: list[Org] = []
    province = _org(parent=None, name="江岭省人民政府", short_name="江岭省",
                    kind=Org.Kind.GOVERNMENT, level=Org.Level.PROVINCE, created=created)
    city = _org(parent=province, name="滨江市人民政府", short_name="滨江市",
                kind=Org.Kind.GOVERNMENT, level=Org.Level.CITY, created=created)
    government = _org(parent=city, name=f"{DISTRICT_NAME}人民政府", short_name=DISTRICT_NAME,
                      kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY,
                      region_code=DISTRICT_REGION_CODE, created=created)
    office = _org(parent=government, name=f"{DISTRICT_NAME}信访办", short_name="区信访办",
                  kind=Org.Kind.PETITION_OFFICE, level=Org.Level.COUNTY,
                  number_prefix=OFFICE_NUMBER_PREFIX, created=created)
    departments = {
        spec.slug: _org(parent=government, name=spec.name, short_name=spec.short_name, kind=spec.kind,
                        level=Org.Level.COUNTY, created=created)
        for spec in DEPARTMENTS
    }
    townships = []
    for spec in TOWNSHIPS:
        township_code = f"{DISTRICT_REGION_CODE}{spec.code}"
        township = _org(parent=government, name=spec.name, short_name=spec.name, kind=Org.Kind.TOWNSHIP,
                        level=Org.Level.TOWNSHIP, region_code=township_code, created=created)
        communities = [name for name in spec.villages if name.endswith("社区")]
        villages = [name for name in spec.villages if not name.endswith("社区")]
        village_orgs = [
            _org(parent=township, name=f"{spec.name}{name}", short_name=name, kind=Org.Kind.VILLAGE,
                 level=Org.Level.VILLAGE, region_code=_village_code(township_code, index, name),
                 created=created)
            for group in (communities, villages)
            for index, name in enumerate(group)
        ]
        townships.append(Township(org=township, slug=spec.slug, villages=village_orgs,
                                  population_weight=spec.population_weight))

    orgs_by_key = {"office": office, "government": government, **departments,
                   **{township.slug: township.org for township in townships}}
    specs = list(CORE_ACCOUNTS)
    # Each unit has one demo account that handles and signs off (a real unit has a handler and a head).
    specs += [AccountSpec(t.slug, f"{t.name}承办人", (Role.HANDLER, Role.HANDLING_ORG_HEAD), t.slug) for t in TOWNSHIPS]
    specs += [AccountSpec(d.slug, f"{d.short_name}承办人", (Role.HANDLER, Role.HANDLING_ORG_HEAD), d.slug)
              for d in DEPARTMENTS]
    users: dict[str, User] = {}
    accounts: list[DemoAccount] = []
    # Every demo account has the same, published password: hash it once (PBKDF2 takes a third of a second
    # by design; once per account was most of the district's ten seconds). A login rehashes nothing.
    password_hash = None
    for spec in specs:
        org = orgs_by_key[spec.org]
        user = User.objects.filter(username=spec.username).first()
        if user is None:
            password_hash = password_hash or make_password(password)
            user = user_create(username=spec.username, password=None, org=org, roles=spec.roles,
                               full_name=spec.full_name, is_superuser=spec.is_superuser)
            user.password = password_hash
            user.save(update_fields=["password"])
        users[spec.username] = user
        accounts.append(DemoAccount(username=spec.username, password=password, roles=spec.roles,
                                    org_name=org.name))
    return DemoDistrict(province=province, city=city, government=government, office=office,
                        departments=departments, townships=townships, users=users, accounts=accounts)
