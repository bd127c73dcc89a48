"""PostgreSQL instants Python cannot hold, read as the nearest one it can (issue 11).

PostgreSQL stores timestamps from 4713 BC to 294276 AD; Python's datetime holds the years 1 to 9999.
A visit entered as 0001-01-01T00:00:00+09:00 is stored as 31 December of 1 BC in UTC, and psycopg
then refuses to read the row at all: every list that holds it answers 500. Read such a value as
datetime.min or datetime.max (UTC) instead, so the row loads and the completeness check names it
(request.start.out_of_range); the input schemas refuse such values today (orders.inputs).
"""

from __future__ import annotations

from datetime import UTC, datetime


def lenient_instants(sender, connection, **kwargs) -> None:
    """`connection_created` receiver: register the lenient loader on each new PostgreSQL
    connection (Django's own loader, with the same time zone, so Django keeps it)."""
    if connection.vendor != "postgresql":
        return
    import psycopg
    from django.db.backends.postgresql.psycopg_any import BaseTzLoader

    zone = connection.timezone

    class LenientTzLoader(BaseTzLoader):
        timezone = zone

        def load(self, data):
            try:
                return super().load(data)
            except psycopg.DataError:
                text = bytes(data)
                early = text.endswith(b" BC") or text == b"-infinity"
                edge = datetime.min if early else datetime.max  # noqa: DTZ901 - given a zone here
                return edge.replace(tzinfo=zone or UTC)

    connection.connection.adapters.register_loader("timestamptz", LenientTzLoader)
