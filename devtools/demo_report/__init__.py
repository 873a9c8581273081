"""What the warehouse holds, printed at the end of `make demo` (`python -m devtools.demo_report`).

Not part of the nightly job: each module prints one part from the marts (or raw) through a
warehouse client and is listed once in `summary/__main__.py`.
"""
