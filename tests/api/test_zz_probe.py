from datetime import datetime
from zoneinfo import ZoneInfo
from genba.core import clock
from genba.dispatch.services import proposal_create
from genba.orders import services, visit_services
from genba.orders.models import ServiceRequest
from tests.factories import complete_order

JST = ZoneInfo("Asia/Tokyo")

def test_probe(alice, bob, carol, ken, api_as):
    api = api_as(alice)
    r = api.post("requests", complete_order())
    rid = r.json()["id"]
    first = r.json()
    api.post(f"requests/{rid}/submit")
    sr = ServiceRequest.objects.get(public_id=rid)
    p = proposal_create(request=sr, by=carol, engineers=[ken])
    resp = api.post(f"requests/{rid}/proposals/{p.public_id}/approve")
    print("APPROVE", resp.status_code, resp.json()["status"], resp.json()["proposals"])
    services.request_release(request=sr, by=carol)
    visit = sr.visits.get()
    with clock.frozen_at(datetime(2026, 12, 8, 10, 5, tzinfo=JST)):
        visit_services.visit_arrive(visit=visit, by=ken)
    with clock.frozen_at(datetime(2026, 12, 8, 13, 0, tzinfo=JST)):
        resp = api.post(f"requests/{rid}/visits/{visit.public_id}/sign-off", {"signed_at": "2026-12-08T12:00:00"})
        print("SIGNOFF-NAIVE", resp.status_code, resp.content[:300])
        resp = api.post(f"requests/{rid}/visits/{visit.public_id}/sign-off", {})
        print("SIGNOFF", resp.status_code, resp.json()["status"], [(e["action"], e["to_state"]) for e in resp.json()["events"]])
    # replay equality
    a = api.post("requests", complete_order(), HTTP_IDEMPOTENCY_KEY="k")
    b = api.post("requests", complete_order(), HTTP_IDEMPOTENCY_KEY="k")
    print("REPLAY EQ", a.json() == b.json(), a.status_code, b.status_code, b.get("Idempotent-Replayed"))
    if a.json() != b.json():
        for k in a.json():
            if a.json()[k] != b.json().get(k): print("  DIFF", k, a.json()[k], b.json().get(k))
    s1 = api.post("sites", {"name": "X", "latitude": "35.123456"}, HTTP_IDEMPOTENCY_KEY="s")
    s2 = api.post("sites", {"name": "X", "latitude": "35.123456"}, HTTP_IDEMPOTENCY_KEY="s")
    print("SITE", s1.json(), s2.json())
