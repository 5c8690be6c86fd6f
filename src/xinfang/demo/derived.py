"""After a bulk load: rebuild what registration would have written row by row (text index, matching)."""

import io
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.core.management import call_command

# Clustering looks up every petition in the text index; above this many, `xinfang matching clusters
# --since …` is left to the operator (a million petitions take too long for a seed run).
CLUSTER_LIMIT = 20_000
# A step that reports nothing itself says "still working" this often, so a long one never looks hung.
HEARTBEAT_SECONDS = 10


@contextmanager
def heartbeat(label: str, write: Callable[[str], None], *, every: float = HEARTBEAT_SECONDS) -> Iterator[None]:
    """Print `label … N s` every `every` seconds while the block runs (for steps with no progress of their own)."""
    started = time.perf_counter()
    done = threading.Event()

    def beat() -> None:
        while not done.wait(every):
            write(f"    {label} … {time.perf_counter() - started:.0f} s")

    thread = threading.Thread(target=beat, name="demo-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


def text_and_identities_rebuild(*, write: Callable[[str], None]) -> None:
    """The similarity index, identity keys and links, and stored facts: seconds for thousands of petitions."""
    started = time.perf_counter()
    with heartbeat("相似内容索引 similarity index", write):
        call_command("similarity", "rebuild", verbosity=0, stdout=io.StringIO())
    write(f"    相似内容索引 similarity index rebuilt ({time.perf_counter() - started:.1f} s)")
    started = time.perf_counter()
    with heartbeat("身份关联 identity keys", write):
        call_command("matching", "identities", stdout=io.StringIO())
    write(f"    身份关联 identity keys and links ({time.perf_counter() - started:.1f} s)")
    facts_rebuild_step(write=write)


# Above this many petitions the facts are read in several processes (one core reads ≈ 2,000 demo texts a second).
FACTS_PARALLEL_FROM = 20_000


def facts_rebuild_step(*, write: Callable[[str], None]) -> None:
    """Each petition's stored facts for the same-matter judgement (matching.stored), in bulk."""
    from xinfang.matching.stored import facts_rebuild
    from xinfang.petitions.models import Petition

    started = time.perf_counter()
    total = Petition.objects.count()
    workers = min(4, os.cpu_count() or 1) if total >= FACTS_PARALLEL_FROM else 1
    with heartbeat(f"事项要素 stored facts ({total:,} petitions, {workers} processes)", write):
        done = facts_rebuild(workers=workers)
    write(f"    事项要素 stored facts of {done:,} petitions ({time.perf_counter() - started:.1f} s)")


def clusters_rebuild_step(*, petitions: int, write: Callable[[str], None]) -> None:
    """Mass matters: one text-index look-up a petition (about 20 ms each), so about a minute for 3,000."""
    if petitions > CLUSTER_LIMIT:
        write(f"    涉众事项未重建 mass matters not rebuilt for {petitions:,} petitions: "
              "run `xinfang matching clusters --since YYYY-MM-DD`")
        return
    started = time.perf_counter()
    with heartbeat(f"涉众事项 mass matters ({petitions:,} petitions, about {petitions * 0.02:.0f} s)", write):
        call_command("matching", "clusters", stdout=io.StringIO())
    write(f"    涉众事项 mass matters rebuilt ({time.perf_counter() - started:.1f} s)")


def derived_data_rebuild(*, petitions: int, write: Callable[[str], None]) -> None:
    """Text index, identity keys and links, stored facts, mass matters."""
    text_and_identities_rebuild(write=write)
    clusters_rebuild_step(petitions=petitions, write=write)
