"""Signal receivers of the messaging app: every transition queues its notifications.

The signal is sent after the commit (orders.transitions.move), so a job never describes a change
that was rolled back; the job itself runs in the worker, so a slow mail server never slows a page.
"""

from django.dispatch import receiver

from genba.core.signals import transitioned


@receiver(transitioned, dispatch_uid="genba.messaging.notifications")
def queue_notifications(sender, event_id=None, **kwargs):
    if event_id is None:
        return
    from genba.messaging.tasks import deliver_notifications

    deliver_notifications.enqueue(event_id)
