"""Ids from the outside (query strings, paths) that no row can have.

`?business=99999999999999999999999` reached SQLite as a Python int it cannot bind and gave
HTTP 500. API parameters that name a row are typed `Id` (1 … 2⁶³−1, else 422 naming the
parameter); anything that still slips through — an out-of-range id in any other lookup — is
answered 404 by `IdOverflowMiddleware` and the API's handler instead of a server error.
"""

from typing import Annotated

from django.http import Http404
from pydantic import Field

BIGINT_MAX = 2**63 - 1
Id = Annotated[int, Field(ge=1, le=BIGINT_MAX)]


def is_id_overflow(exc):
    """True for the error a database driver raises on an integer no column can hold."""
    return isinstance(exc, OverflowError) and "INTEGER" in str(exc).upper()


class IdOverflowMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if is_id_overflow(exception):
            raise Http404("id out of range") from exception
        return None
