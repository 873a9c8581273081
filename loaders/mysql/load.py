"""`make load` for the shop database: schema drift first, then the incremental read."""

from __future__ import annotations

from dlt.common.pipeline import LoadInfo

from loaders.common.errors import ActionableError
from loaders.common.pipeline import make_pipeline
from loaders.common.settings import RunSettings
from loaders.mysql.load_report import LoadReport
from loaders.mysql.raw_schema import check_schema
from loaders.mysql.settings import MysqlSettings
from loaders.mysql.source import (
    check_reachable,
    create_shop_engine,
    replace_if_first,
    shop_database,
)

NAME = "mysql"


class LossyTypeChange(ActionableError):
    pass


def load(run: RunSettings, settings: MysqlSettings) -> LoadInfo:
    engine = create_shop_engine(settings.shop_db_url)
    try:
        check_reachable(engine)
        pipeline = make_pipeline(NAME, run)
        pipeline.sync_destination()  # the cursors saved in the warehouse, before choosing how
        report = LoadReport(drifts=check_schema(engine, pipeline))
        lossy = [d for d in report.drifts if d.lossy]
        source = shop_database(
            engine,
            chunk_size=settings.chunk_size,
            report=report,
            skip=sorted({d.table for d in lossy}),
        )
        replace_if_first(source, pipeline.state.get("sources", {}).get(source.name, {}))
        info = pipeline.run(source)
        if lossy:  # the other tables are loaded; these wait for a person
            raise LossyTypeChange(
                "; ".join(d.line() for d in lossy)
                + ": table not loaded; widen the raw column (ALTER TABLE raw.mysql__<table>"
                " MODIFY COLUMN ...) or reload the table, then rerun"
            )
        return info
    finally:
        engine.dispose()
