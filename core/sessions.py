"""Sessions read from the cache and written through to the database (Django's ``cached_db``):
one query less on every page. While the cache is down (Redis stopped: tests/faults) the
desk carries on from the database alone instead of failing the request: Django's own
backend already survives a failed read and write, but not the cache refill after a database
read, nor the membership test and the delete."""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DatabaseStore

logger = logging.getLogger(__name__)


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except Exception:  # any cache failure: the database has the session
            logger.warning("session cache unavailable; reading the session from the database")
            return DatabaseStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except Exception:  # any cache failure: the database has the session
            return DatabaseStore.exists(self, session_key)

    def delete(self, session_key=None):
        try:
            super().delete(session_key)
        except Exception:  # any cache failure: the database has the session
            logger.warning("session cache unavailable; deleting the session from the database only")
            DatabaseStore.delete(self, session_key)
