"""Target responsibility letters (目标责任书). PLACEHOLDER MODULE written by the planning services helper so that
`from fivestar.planning.services import ...` works for everyone: the letters helper owns this file and replaces it
entirely with the real implementation (python-docx rendering, template validation via fivestar/core/uploads.py,
the background batch via django_tasks registered in core/jobs.py, signing). Keep these names and signatures;
`__init__.py` re-exports exactly them (add any new public name there too).
Useful building blocks already in the services: progress.progress_for (targets vs stars), ledger.suggested_owner,
settings.category_label, stars.StarCatalog (star names), selectors.tasks_for (a village's tasks)."""

# The documented placeholder names, written in a .docx as {{村名}} etc.
PLACEHOLDERS = ("村名", "乡镇", "年度", "创建类别", "目标星级", "目标星", "任务清单", "村党支部书记", "包村干部", "包片领导")

_TODO = "目标责任书功能尚未完成（由责任书模块实现）。"


def letter_context(village, year) -> dict:
    raise NotImplementedError(_TODO)


def render_letter(template, village, year) -> bytes:
    raise NotImplementedError(_TODO)


def validate_template(upload) -> list[str]:
    raise NotImplementedError(_TODO)


def start_letter_batch(user, town, year):
    raise NotImplementedError(_TODO)


def mark_signed(letter, user, signed_on, scan_evidence):
    raise NotImplementedError(_TODO)
