"""What /healthz reports beyond the database. An app above public registers `fn()` returning a
dict (merged into the answer) from its AppConfig.ready; it only informs and never turns the
answer into a 503, which would take the web server out of the load balancer for a hub's fault."""

_PROVIDERS = []


def register(fn):
    if fn not in _PROVIDERS:
        _PROVIDERS.append(fn)


def extra():
    out = {}
    for fn in _PROVIDERS:
        out.update(fn() or {})
    return out
