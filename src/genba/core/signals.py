"""Sent after a transition commits: notifications, webhooks and SLA clocks listen here.

Sent from `transaction.on_commit`, so a listener never acts on a change that was rolled back.
"""

from django.dispatch import Signal

# kwargs: obj (ServiceRequest, Visit or Proposal), action (str), actor (User | None),
# from_state (str), to_state (str), event_id (the AuditEvent's id: one per transition)
transitioned = Signal()
