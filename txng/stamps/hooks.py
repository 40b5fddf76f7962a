"""Who hears of a consumer's fake report. Apps above stamps (feedback turns each into a case)
register a receiver at startup, so stamps imports none of them."""

_RECEIVERS = []


def register_report_receiver(fn):
    """`fn(report)` runs inside the report's transaction; it may return the URL where the
    reporter follows the report (the first one returned is shown)."""
    if fn not in _RECEIVERS:
        _RECEIVERS.append(fn)


def report_received(report):
    urls = [fn(report) for fn in _RECEIVERS]
    return next((url for url in urls if url), None)
