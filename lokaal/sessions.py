"""Sessions in the database that an error page can do without.

With the database down, a request that carries a session cookie would need the database to learn
who is logged in (the error page's menu, its messages) and again to save the session on the way
out, so even the 404 page became a 500. Here a session that cannot be read reads as empty for that
one request (the visitor is shown as not logged in) and is not written back, so the stored session
is left as it was and holds again as soon as the database is back.
"""

from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import DatabaseError


class SessionStore(DatabaseSessionStore):
    unreadable = False

    def load(self):
        try:
            return super().load()
        except DatabaseError:
            self.unreadable = True
            return {}

    def save(self, must_create=False):
        if self.unreadable:
            return
        super().save(must_create=must_create)
