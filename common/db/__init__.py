"""The hall's data layer: models, engine, migrations."""

from common.db.engine import Database, DatabaseUnavailable, connect
from common.db.migrate import open_database, upgrade_to_head

__all__ = ["Database", "DatabaseUnavailable", "connect", "open_database", "upgrade_to_head"]
