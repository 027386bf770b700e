from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def index(request):
    return render(request, "imports/index.html", {"page_title": "数据导入"})
