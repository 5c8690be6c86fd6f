"""A small tree with a Tibet-like region, and schedule files for a year the package does not know."""

from dataclasses import dataclass

import pytest

from xinfang.orgs.models import Org
from xinfang.orgs.services import org_create

# Fictional 2027 schedule (not the real one): 元旦 Fri 1 – Sun 3 January, 春节 Fri 5 – Thu 11 February,
# Saturday 13 February worked in lieu.
SCHEDULE_2027 = """
year = 2027
source = "测试用安排（虚构）"

[[holidays]]
name = "元旦"
start = 2027-01-01
end = 2027-01-03

[[holidays]]
name = "春节"
start = 2027-02-05
end = 2027-02-11

[[workdays]]
date = 2027-02-13
name = "春节"
"""

# A second version of the same year: 元旦 one day longer.
SCHEDULE_2027_REVISED = SCHEDULE_2027.replace("end = 2027-01-03", "end = 2027-01-04").replace(
    "测试用安排（虚构）", "测试用安排（虚构，修订）"
)

SCHEDULE_2025 = """
year = 2025
source = "测试用（虚构）"

[[holidays]]
name = "虚构假日"
start = 2025-03-03
"""


@dataclass
class Tree:
    region: Org  # province level, like the Tibet Autonomous Region
    city: Org
    county: Org  # below the region: inherits its days
    elsewhere: Org  # a county in another province


@pytest.fixture
def tree(db) -> Tree:
    region = org_create(name="某自治区人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.PROVINCE, region_code="540000")
    city = org_create(name="某市人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.CITY, parent=region,
                      region_code="540100")
    county = org_create(name="某县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY, parent=city,
                        region_code="540121")
    other_province = org_create(name="另一省人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.PROVINCE,
                                region_code="500000")
    elsewhere = org_create(name="另一县人民政府", kind=Org.Kind.GOVERNMENT, level=Org.Level.COUNTY,
                           parent=other_province, region_code="500101")
    return Tree(region=region, city=city, county=county, elsewhere=elsewhere)
