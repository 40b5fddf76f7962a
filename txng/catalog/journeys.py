"""A lot's public journey, for catalog's public product page.

Catalog sits below tracing and may not import it, yet the product page must show the stages of
its latest lot (Circular 02/2024 items 4-5). Tracing fills these hooks in when it starts
(TracingConfig.ready); until then, or without tracing, a lot has no known stages.
"""

_hooks = {}


def register(*, steps, version):
    """`steps(lot)`: the lot's public timeline; `version(product_pk)`: a value that changes
    whenever a public timeline of one of the product's lots may have changed (for the page's
    ETag)."""
    _hooks.update(steps=steps, version=version)


def lot_steps(lot):
    hook = _hooks.get("steps")
    return hook(lot) if hook is not None else []


def version(product_pk):
    hook = _hooks.get("version")
    return hook(product_pk) if hook is not None else 0
