"""What a page offers, read the way a browser would: the action of every POST form and the few
links that stand for an action (edit, sign-off), each turned back into its action name, so that a
test compares a page with `allowed_actions` / `visit_actions` rather than with words."""

from __future__ import annotations

import re
from html.parser import HTMLParser

ID = r"[A-Za-z0-9_]+"

# (pattern of a form's action or a link's href, action name, whose: "request" or "visit").
PORTAL = (
    (rf"^/portal/requests/{ID}/edit/$", "edit", "request"),
    (rf"^/portal/requests/{ID}/submit/$", "submit", "request"),
    (rf"^/portal/requests/{ID}/cancel/$", "cancel", "request"),
    (rf"^/portal/requests/{ID}/proposals/{ID}/approve/$", "approve", "request"),
    (rf"^/portal/requests/{ID}/proposals/{ID}/decline/$", "decline", "request"),
    (rf"^/portal/requests/{ID}/attachments/$", "attach", "request"),
    (rf"^/portal/requests/{ID}/visits/({ID})/sign-off/$", "sign_off", "visit"),
)
CONSOLE = (
    (rf"^/console/requests/{ID}/ask-info/$", "ask_info", "request"),
    (rf"^/console/requests/{ID}/record-call/$", "record_call", "request"),
    (rf"^/console/requests/{ID}/decline/$", "decline", "request"),
    (rf"^/console/requests/{ID}/cancel/$", "cancel", "request"),
    (rf"^/console/requests/{ID}/release/$", "release", "request"),
    (rf"^/console/requests/{ID}/propose/$", "propose", "request"),
    (rf"^/console/requests/{ID}/proposals/{ID}/withdraw/$", "withdraw", "request"),
    (rf"^/console/requests/{ID}/visits/({ID})/reassign/$", "reassign", "visit"),
    (rf"^/console/requests/{ID}/visits/({ID})/reschedule/$", "reschedule", "visit"),
    (rf"^/console/requests/{ID}/visits/({ID})/cancel/$", "cancel", "visit"),
    (rf"^/console/requests/{ID}/visits/({ID})/undo-step/$", "undo_step", "visit"),
)
FIELD = (
    (rf"^/field/visits/({ID})/step/en-route/$", "en_route", "visit"),
    (rf"^/field/visits/({ID})/step/arrive/$", "arrive", "visit"),
    (rf"^/field/visits/({ID})/step/start-work/$", "start_work", "visit"),
    (rf"^/field/visits/({ID})/no-access/$", "no_access", "visit"),
    (rf"^/field/visits/({ID})/sign-off/$", "sign_off", "visit"),
    (rf"^/field/visits/({ID})/notes/$", "notes", "visit"),
    (rf"^/field/visits/({ID})/photos/$", "photos", "visit"),
)
# The names each page can offer at all (billing's invoice button lives on the billing pages).
PORTAL_REQUEST = {name for _, name, whose in PORTAL if whose == "request"}
PORTAL_VISIT = {name for _, name, whose in PORTAL if whose == "visit"}
CONSOLE_REQUEST = {name for _, name, whose in CONSOLE if whose == "request"}
CONSOLE_VISIT = {name for _, name, whose in CONSOLE if whose == "visit"}
FIELD_VISIT = {name for _, name, whose in FIELD}


class _Targets(HTMLParser):
    def __init__(self):
        super().__init__()
        self.targets: list[str] = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self.targets.append((attrs.get("action") or "").split("#")[0])
        elif tag == "a" and attrs.get("href"):
            self.targets.append(attrs["href"].split("#")[0])


def offered(html: str, table) -> dict:
    """{"request": {names}, "visits": {visit public id: {names}}} for what the page offers."""
    parser = _Targets()
    parser.feed(html)
    found = {"request": set(), "visits": {}}
    for target in parser.targets:
        for pattern, name, whose in table:
            match = re.match(pattern, target)
            if match is None:
                continue
            if whose == "request":
                found["request"].add(name)
            else:
                found["visits"].setdefault(match.group(1), set()).add(name)
    return found
