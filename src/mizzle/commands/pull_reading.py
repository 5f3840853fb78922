"""pull's reading of the database — its model, and what it holds that mizzle does not manage — on a helper thread,
so that pull's own modules import while the server answers."""

from __future__ import annotations

import threading
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
# reading is introspect_url's, on the same kind of connection: the model is the same.
class CatalogueReading:
    def __init__(self, db: DatabaseURL, scope: Scope, connect_timeout: float) -> None:
        self.unmanaged: list[str] = []  # one line per kind mizzle does not manage, as introspect_url lists them
        self._connection = open_for_introspection(db, connect_timeout)
        conn = self._connection.__enter__()
        self._model: Schema | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._read, args=(db, conn, scope), name="mizzle-pull-read",
                                        daemon=True)
        self._thread.start()

    def _read(self, db: DatabaseURL, conn: Any, scope: Scope) -> None:
        try:
            self._model = introspect_connection(db, conn, scope, self.unmanaged)
        except BaseException as e:  # noqa: BLE001 - handed to the caller's thread
            self._error = e

    def model(self) -> Schema:
        """The database's model, once read (the reading's error raised here); the connection closed."""
        self._thread.join()
        error = self._error
        self._connection.__exit__(type(error) if error else None, error, error.__traceback__ if error else None)
        if error is not None:
            raise error
        assert self._model is not None
        return self._model
