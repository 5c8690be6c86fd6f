"""After a bulk load: rebuild what registration would have written row by row (text index, matching)."""

import io
import time
from collections.abc import Callable

from django.core.management import call_command

# Clustering looks up every petition in the text index; above this many, `xinfang matching clusters
# --since …` is left to the operator (a million petitions take too long for a seed run).
CLUSTER_LIMIT = 20_000


def derived_data_rebuild(*, petitions: int, write: Callable[[str], None]) -> None:
    """Text index, identity keys and links, mass matters."""
    started = time.perf_counter()
    call_command("similarity", "rebuild", verbosity=0, stdout=io.StringIO())
    write(f"    相似内容索引 similarity index rebuilt ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    call_command("matching", "identities", stdout=io.StringIO())
    write(f"    身份关联 identity keys and links ({time.perf_counter() - started:.1f} s)")
    if petitions > CLUSTER_LIMIT:
        write(f"    涉众事项未重建 mass matters not rebuilt for {petitions:,} petitions: "
              "run `xinfang matching clusters --since YYYY-MM-DD`")
        return
    started = time.perf_counter()
    call_command("matching", "clusters", stdout=io.StringIO())
    write(f"    涉众事项 mass matters rebuilt ({time.perf_counter() - started:.1f} s)")
