"""pull's reading of the database — its model, and what it holds that mizzle does not manage — on a helper thread,
so that pull's own modules import while the server answers."""

from __future__ import annotations

import threading
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from ..sources.database import introspect_connection, open_for_introspection

if TYPE_CHECKING:
    from ..dburl import DatabaseURL
    from ..schema.model import Schema
    from ..schema.scope import Scope


# -- speed: the server reads the catalogue while the client imports ------------------------------------------------
# A 1,000-table pull waits a third of a second for the server to run the catalogue queries, and needed ~0.1 s of
# imports (the diff, the planner, the code writer, the snapshot codec, the round-trip reader) only after them. The
# connection is opened here, on the caller's thread (its errors raised there, as introspect_url raises them); the
# queries run on a helper thread, which waits on the socket without the GIL, while pull imports the rest. The
# reading is introspect_url's, on the same kind of connection: the model is the same. Where the dialect reads on
# two connections (PostgreSQL: the server's second CPU runs half the queries, see introspect.py), a second one is
# opened from the start, on a thread of its own; if it cannot be (the server's connection limit, say), the reading
# uses the first alone.
class CatalogueReading:
    def __init__(self, db: DatabaseURL, scope: Scope, connect_timeout: float) -> None:
        self.unmanaged: list[str] = []  # one line per kind mizzle does not manage, as introspect_url lists them
        self._helper = _HelperOpening(db, connect_timeout)  # opens while the first connection does
        try:
            self._connection = open_for_introspection(db, connect_timeout)
            conn = self._connection.__enter__()
        except BaseException:
            self._helper.close()
            raise
        self._model: Schema | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(db, conn, scope), name="mizzle-pull-read",
                                        daemon=True)
        self._thread.start()

    def _read(self, db: DatabaseURL, conn: Any, scope: Scope) -> None:
        try:
            self._model = introspect_connection(db, conn, scope, self.unmanaged, helper=self._helper.get())
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            self._error = e
        finally:
            self._helper.close()

    def model(self) -> Schema:
        """The database's model, once read (the reading's error raised here); the connection closed."""
        self._thread.join()
        error = self._error
        self._connection.__exit__(type(error) if error else None, error, error.__traceback__ if error else None)
        if error is not None:
            raise error
        assert self._model is not None
        return self._model


class _HelperOpening:
    """A second connection for the reading, opened on a thread of its own from the start (beside the first one's
    opening: ~30 ms of a pull no longer spent one after the other); `get()` gives it, or None (the dialect reads on
    one, or this one could not be opened: the reading goes on without it)."""

    def __init__(self, db: DatabaseURL, connect_timeout: float) -> None:
        from .. import dialects

        self._opened: AbstractContextManager[Any] | None = None
        self._conn: Any = None
        self._thread: threading.Thread | None = None
        if dialects.get(db.dialect).introspects_on_two_connections:
            self._thread = threading.Thread(target=self._open, args=(db, connect_timeout),
                                            name="mizzle-pull-helper-connect", daemon=True)
            self._thread.start()

    def _open(self, db: DatabaseURL, connect_timeout: float) -> None:
        try:
            opened = open_for_introspection(db, connect_timeout)
            self._conn = opened.__enter__()
            self._opened = opened
        except BaseException:  # noqa: BLE001 - the first connection reports what is wrong; the reading uses it alone
            self._conn = None

    def get(self) -> Any:
        if self._thread is not None:
            self._thread.join()
        return self._conn

    def close(self) -> None:
        self.get()
        if self._opened is not None:
            opened, self._opened, self._conn = self._opened, None, None
            opened.__exit__(None, None, None)
