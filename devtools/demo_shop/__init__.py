"""The demo shop: a deterministic MySQL-schema shop (SQLite or MariaDB) and its ad accounts."""
