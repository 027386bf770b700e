"""/planning/: annual targets (a town's grid, plans, import), the creation ledger (lists, a village's gap list,
tasks), and — added by their own modules — responsibility letters and monthly commitments."""

from django.urls import include, path

from . import exports, views_gaps, views_ledger, views_targets, views_targets_import, views_task, views_task_new

app_name = "planning"
urlpatterns = [
    path("", views_targets.index, name="index"),
    path("targets/", views_targets.targets, name="targets"),
    path("targets/<str:code>/", views_targets.unit_targets, name="targets_unit"),
    path("targets/<str:code>/import/", views_targets_import.import_page, name="targets_import"),
    path("targets/<str:code>/template.xlsx", views_targets_import.template, name="targets_template"),
    path("ledger/", views_ledger.ledger, name="ledger"),
    path("ledger/export.xlsx", exports.ledger_export, name="ledger_export"),
    path("ledger/gaps/<str:code>/", views_gaps.gaps, name="gaps"),
    path("villages/<int:pk>/ledger/", views_ledger.village_ledger, name="village_ledger"),
    path("tasks/new/", views_task_new.new, name="task_new"),
    path("tasks/<int:pk>/", views_task.detail, name="task"),
    path("tasks/<int:pk>/status/", views_task.status, name="task_status"),
    path("tasks/<int:pk>/evidence/", views_task.evidence, name="task_evidence"),
    path("tasks/<int:pk>/edit/", views_task.edit, name="task_edit"),
    path("from-problem/<int:pk>/", views_task_new.from_problem, name="from_problem"),
    path("commitments/", include("fivestar.planning.urls_commitments")),
    path("letters/", include("fivestar.planning.urls_letters")),
]
