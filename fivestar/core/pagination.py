from django.conf import settings
from django.core.paginator import Paginator


def paginate(request, queryset, per_page: int | None = None, count: int | None = None):
    """A page of `queryset` from ?page=; out-of-range or junk page numbers fall back to a valid page.

    `count`, when the caller already knows how many rows there are (kept counts), spares the COUNT query."""
    paginator = Paginator(queryset, per_page or settings.PAGE_SIZE)
    if count is not None:
        paginator.count = count  # Paginator.count is a cached_property: the known figure takes its place
    return paginator.get_page(request.GET.get("page"))
