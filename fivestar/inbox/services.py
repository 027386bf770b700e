"""Sending in-app notifications; reminders use a dedupe key so a scheduler can run them repeatedly."""

from django.db import IntegrityError, transaction

from .models import Notification


def notify(users, kind: str, title: str, body: str = "", url: str = "", org_unit=None, dedupe_key: str = "") -> int:
    """Notify each user once (per dedupe key, when given). Returns how many notifications were created."""
    created = 0
    for user in {u.pk: u for u in users if u is not None}.values():
        if dedupe_key and Notification.objects.filter(user=user, dedupe_key=dedupe_key).exists():
            continue
        try:
            with transaction.atomic():
                Notification.objects.create(user=user, kind=kind, title=title[:120], body=body, url=url, org_unit=org_unit, dedupe_key=dedupe_key)
            created += 1
        except IntegrityError:
            continue
    return created


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
