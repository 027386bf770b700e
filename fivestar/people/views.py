"""People management (stub; expanded by the people issue work)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render

from fivestar.core.pagination import paginate

from .models import Person


@login_required
def person_list(request):
    people = Person.objects.visible_to(request.user).select_related("org_unit").order_by("org_unit__path", "name")
    return render(request, "people/list.html", {"page_title": "人员管理", "page": paginate(request, people)})


@login_required
def person_create(request):
    return render(request, "people/list.html", {"page_title": "新增人员", "page": None})


@login_required
def person_detail(request, pk):
    person = get_object_or_404(Person.objects.visible_to(request.user).select_related("org_unit"), pk=pk)
    return render(request, "people/detail.html", {"page_title": person.name, "person": person})
