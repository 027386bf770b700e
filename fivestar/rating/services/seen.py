"""Recording that a reviewer looked at an assessment (see selectors_seen)."""

from django.utils import timezone

from ..models import Assessment, ReviewSeen


def mark_seen(user, a: Assessment, last_event: int) -> None:
    """The reviewer has now seen `a` as loaded (its `version`) and every event up to `last_event`."""
    ReviewSeen.objects.update_or_create(
        user=user, assessment=a, defaults={"seen_at": timezone.now(), "seen_version": a.version, "seen_event": last_event},
    )
