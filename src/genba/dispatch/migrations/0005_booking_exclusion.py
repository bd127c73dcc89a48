"""PostgreSQL: two confirmed bookings of one engineer can never overlap, whatever writes them.

btree_gist lets a GiST index combine equality on the engineer with overlap on the time range.
Creating the extension needs a superuser once (docs/deploy.md); SQLite relies on the booking
service's check under the database's write lock instead.
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS btree_gist",
    """ALTER TABLE dispatch_booking ADD CONSTRAINT dispatch_booking_no_double_booking
       EXCLUDE USING gist (engineer_id WITH =, tstzrange(starts_at, ends_at, '[)') WITH &&)
       WHERE (status = 'confirmed')""",
]
BACKWARD = ["ALTER TABLE dispatch_booking DROP CONSTRAINT IF EXISTS dispatch_booking_no_double_booking"]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in FORWARD:
            schema_editor.execute(sql)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for sql in BACKWARD:
            schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("dispatch", "0004_engineerprofile_booking_leave")]
    operations = [migrations.RunPython(forwards, backwards)]
