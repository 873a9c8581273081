"""The garbage collector of a dbt process, tuned when dbt loads this adapter.

A dbt command makes millions of small objects (the manifest, Jinja contexts, results), most
of them alive to its end. CPython's cyclic collector ran after every 700 new objects and, in
its full collections, walked every tracked object again: 10-15% of a `dbt build`'s CPU here
(perf: gc_collect_main, visit_decref, visit_reachable). dbt has imported its modules by the
time it loads the adapter: `gc.freeze()` takes their objects out of the collector's walks, and
a first threshold of 50,000 makes collections rarer. Cycles are still collected.
"""

from __future__ import annotations

import gc

FIRST_GENERATION_THRESHOLD = 50_000


def tune_garbage_collector() -> None:
    gc.freeze()
    _, second, third = gc.get_threshold()
    gc.set_threshold(FIRST_GENERATION_THRESHOLD, second, third)
