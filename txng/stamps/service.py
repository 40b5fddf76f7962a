"""What other apps may ask of stamps (the resolver): they call these, never a stamps view."""

from txng.stamps import scans


def scan_response(request, code, stamp, *, lot_mismatch=False):
    """Log a scan of `code` (`stamp` may be None: an unknown code) and answer with the scan page,
    the same page /q/<code> shows."""
    from txng.stamps.public_views import render_stamp

    entry = scans.log_scan(request, code, stamp) if scans.is_page_view(request) else None
    return render_stamp(request, code, stamp, entry, lot_mismatch=lot_mismatch)
