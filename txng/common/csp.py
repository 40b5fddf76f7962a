"""A Content-Security-Policy on every response (Django 5.2 has none built in).

Scripts run only from the site's own files or, where a template truly needs an inline script,
with this request's nonce (`<script nonce="{{ csp_nonce }}">`): an injected `<script>` or
`onclick=` does nothing even if some text ever escaped unescaped. Views that serve stored files
set their own stricter policy (txng/common/uploads.py), which is kept.
"""

import secrets
from functools import wraps

from django.conf import settings
from django.utils.functional import SimpleLazyObject


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        nonce = secrets.token_urlsafe(16)
        request.csp_nonce = nonce
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            response["Content-Security-Policy"] = settings.CONTENT_SECURITY_POLICY.format(
                nonce=nonce
            )
        return response


def nonce(request):
    """Context processor: `csp_nonce` for the rare inline script."""
    return {"csp_nonce": SimpleLazyObject(lambda: getattr(request, "csp_nonce", ""))}


def allow_wasm(view):
    """For the pages that read barcodes with the ZXing decoder (WebAssembly, built from
    frontend/): 'wasm-unsafe-eval' lets them compile WebAssembly; JavaScript eval stays off."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        policy = settings.CONTENT_SECURITY_POLICY.format(nonce=getattr(request, "csp_nonce", ""))
        response["Content-Security-Policy"] = policy.replace(
            "script-src 'self'", "script-src 'self' 'wasm-unsafe-eval'", 1
        )
        return response

    return wrapped
