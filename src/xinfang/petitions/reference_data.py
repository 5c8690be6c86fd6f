"""Loading the shipped content classification and hot topics (used by a data migration and the seeder)."""

import json
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "categories.json"


def load_reference_data(category_model, hot_topic_model) -> None:
    """Create missing categories and hot topics; never overwrite what an administrator edited."""
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    for top_order, top in enumerate(data["categories"], start=1):
        parent, _ = category_model.objects.get_or_create(
            code=top["code"], defaults={"name": top["name"], "sort_order": top_order}
        )
        for child_order, child_name in enumerate(top["children"], start=1):
            category_model.objects.get_or_create(
                code=f"{top['code']}{child_order:02d}",
                defaults={"name": child_name, "parent": parent, "sort_order": child_order},
            )
    for order, topic in enumerate(data["hot_topics"], start=1):
        hot_topic_model.objects.get_or_create(
            code=topic["code"], defaults={"name": topic["name"], "sort_order": order}
        )
