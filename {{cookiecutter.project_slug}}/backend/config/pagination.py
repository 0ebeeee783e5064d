"""How every list of the API pages and orders: `{count, next, previous, results}`, `?page=` and
`?page_size=` (at most 100), and `?ordering=` in an order that paging cannot shuffle."""

from django_filters import OrderingFilter
from rest_framework import pagination


class PageNumberPagination(pagination.PageNumberPagination):
    """DRF's, with `?page_size=`: larger asks get 100 items, other values the default (PAGE_SIZE).
    A page past the end is a 404."""

    page_size_query_param = "page_size"
    max_page_size = 100


class StableOrderingFilter(OrderingFilter):
    """django-filter's `?ordering=` (a field it does not offer is a 400), then the primary key:
    rows that tie on the chosen field keep one order, so none shows on two pages or on none."""

    def filter(self, qs, value):
        if not value:
            return qs
        return qs.order_by(*(self.get_ordering_value(param) for param in value if param), "pk")
