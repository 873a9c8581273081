"""The shop's MySQL database: users, orders, order lines, products, cities (raw.mysql__*)."""

from loaders.mysql.load import load
from loaders.mysql.settings import MysqlSettings as Settings

__all__ = ["Settings", "load"]
