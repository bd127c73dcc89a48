"""Builders for the portal's tests: requests in given states through the real services."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from genba.dispatch.photo_ids import photo_id_set
from tests.dispatch.helpers import profile_for

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%test\n"


def with_photo_id(engineer, coordinator):
    """A dispatch profile for `engineer` with a photo ID on file."""
    profile = profile_for(engineer)
    return photo_id_set(
        profile=profile,
        upload=SimpleUploadedFile("id.png", PNG, content_type="image/png"),
        by=coordinator,
    )


def form_data(**overrides) -> dict:
    """The request form as a browser posts it: a complete order, in the form's field names."""
    data = {
        "title": "Replace failed disk in storage array",
        "reference": "PO-4711",
        "work_description": "Replace the failed disk in slot 3 of the array, then confirm the "
        "rebuild with the remote engineer before leaving.",
        "skill_level": "senior",
        "engineers": "1",
        "languages": ["en"],
        "urgency": "1",
        "datacenter_reference": "DC-REF-889",
        "site_name": "Otemachi DC",
        "site_company_name": "Acme KK",
        "site_postal_code": "100-0004",
        "site_prefecture": "Tokyo",
        "site_city": "Chiyoda-ku",
        "site_street": "1-2-3 Otemachi",
        "site_building": "Otemachi Tower",
        "site_floor": "5",
        "site_room": "Cage 12",
        "site_entry_instructions": "Show photo ID at the security desk; escort to the 5th floor.",
        "site_maps_url": "https://maps.app.goo.gl/abc123",
        "site_is_datacenter": "on",
        "local_name": "Taro Yamada",
        "local_phone": "03-1234-5678",
        "local_email": "yamada@acme.example",
        "remote_name": "Jane Doe",
        "remote_phone": "+1 415 555 0132",
        "remote_email": "jane@acme.example",
        "remote_language": "en",
        "visits-TOTAL_FORMS": "2",
        "visits-INITIAL_FORMS": "0",
        "visits-0-date": "2026-12-08",
        "visits-0-time": "10:00",
        "visits-0-hours": "3",
        "equipment-TOTAL_FORMS": "2",
        "equipment-INITIAL_FORMS": "0",
        "equipment-0-make": "NetApp",
        "equipment-0-model": "FAS2750",
        "equipment-0-serial": "SN-001",
        "equipment-0-quantity": "1",
        "equipment-1-quantity": "1",
        "items-TOTAL_FORMS": "2",
        "items-INITIAL_FORMS": "0",
        "items-0-name": "laptop",
        "paperwork-TOTAL_FORMS": "1",
        "paperwork-INITIAL_FORMS": "0",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
