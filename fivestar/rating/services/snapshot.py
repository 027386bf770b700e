"""What was approved: scores and evidence checksums, to show "modified since approval"."""

from django.utils import timezone

from ..models import Assessment, Evidence


def evidence_checksums(assessment: Assessment) -> dict[str, str]:
    ids = {i for ids in assessment.evidence.values() for i in ids}
    return {str(pk): sha for pk, sha in Evidence.objects.filter(pk__in=ids).values_list("pk", "sha256")}


def take_snapshot(assessment: Assessment, user, level: str) -> dict:
    return {
        "level": level,
        "at": timezone.now().isoformat(),
        "by": user.username if user else "",
        "rating": assessment.rating,
        "awarded": list(assessment.awarded),
        "star_scores": {code: s["score"] for code, s in assessment.star_scores.items()},
        "values": assessment.effective_answers(assessment.round.levels),
        "not_applicable": sorted(assessment.not_applicable),
        "evidence": {code: sorted(ids) for code, ids in assessment.evidence.items()},
        "checksums": evidence_checksums(assessment),
    }


def _shown(value) -> str:
    return {True: "是", False: "否", None: "未填"}.get(value, str(value)) if isinstance(value, (bool, type(None))) else str(value)


def differences(assessment: Assessment) -> list[str]:
    """Human-readable differences between the current state and the approved snapshot."""
    snap = assessment.approved_snapshot
    if not snap:
        return []
    diffs = []
    current_scores = {code: s["score"] for code, s in assessment.star_scores.items()}
    for code, score in current_scores.items():
        if snap.get("star_scores", {}).get(code) != score:
            diffs.append(f"{code} 得分由 {snap.get('star_scores', {}).get(code)} 变为 {score}")
    values = assessment.effective_answers(assessment.round.levels)
    for code in sorted(set(values) | set(snap.get("values", {}))):
        if values.get(code) != snap.get("values", {}).get(code):
            diffs.append(f"细则 {code} 由 {_shown(snap.get('values', {}).get(code))} 改为 {_shown(values.get(code))}")
    if sorted(assessment.not_applicable) != snap.get("not_applicable", []):
        diffs.append("不适用细则有变化")
    current_evidence = {code: sorted(ids) for code, ids in assessment.evidence.items()}
    if current_evidence != snap.get("evidence", {}) or evidence_checksums(assessment) != snap.get("checksums", {}):
        diffs.append("佐证材料有变化")
    return diffs


def refresh_modified_flag(assessment: Assessment) -> None:
    assessment.modified_since_approval = bool(assessment.approved_snapshot) and bool(differences(assessment))
