"""`make bench`: the nightly job at scale, measured against chDB's mysql() floor.

Everything that opens the embedded warehouse (the loader, dbt, the floor, the mart checks)
runs as its own child process, one at a time: chDB holds one engine per process and locks
its data directory. The bench process itself only starts MariaDB, fills it and keeps time.
"""
