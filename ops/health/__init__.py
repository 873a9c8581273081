"""`make health`: HTTP endpoints that monitoring polls (docs/health.md).

    GET /healthz            200 {"status": "ok"}, or 503 with the problems: `make status`'s verdict
    GET /healthz/detailed   per source: last status, last success, rows, last error (masked)
    GET /healthz/freshness  per source table: newest row, hours behind, pass / warn / error
    GET /metrics            the same figures in the Prometheus text format

Every answer is `ops.status.evaluate` over the run history, with freshness ages taken at the
moment of the request. The history comes straight from a ClickHouse server (read-only
queries), and for an embedded warehouse from the status snapshot each nightly run and each
`make status` writes: chDB locks its directory per process, so the server never opens it.
"""
