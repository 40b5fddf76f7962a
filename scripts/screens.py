"""Screenshot the demo as each role would see it, at 360 px and 1280 px.

Usage: .venv/bin/python scripts/screens.py http://127.0.0.1:8000 var/screens [path ...]
Logs in with the demo accounts; pages are given as ROLE:PATH (ROLE "anon" for no login).
Without pages, run from the repository beside the demo's database, it takes every role's main
pages from txng/public/mainpages.py (the same list the 360 px layout test opens): the public
pages, lot and trace pages, stamp orders and activation, revisions and dossiers.
"""

import os
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
DEFAULT = [
    "anon:/",
    "anon:/register/",
    "anon:/search/?q=hat+de+trung+kan",
    "anon:/san-pham-thu-hoi/",
    "dost:/manage/",
    "dost:/manage/dossiers/",
    "dost:/manage/dossiers/1/",
    "dost:/manage/audit/",
    "dost:/manage/organisations/",
    "department:/manage/",
    "commune:/manage/dossiers/",
    "business:/manage/",
    "business:/manage/staff/",
]


def main_pages():
    """Every role's main pages, found in the demo's database; the short list without it."""
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "txng.settings")
    os.environ.setdefault("DEBUG", "1")
    try:
        import django

        django.setup()
        from txng.public.mainpages import pages

        return [f"{role}:{path}" for role, path in pages()]
    except Exception as exc:  # no database beside the script: a remote demo
        print(f"(main pages not found: {exc}; using the short list)")
        return DEFAULT


# Tables, controls and images wider than the screen, and the page's own width.
MEASURE = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [];
  for (const el of document.querySelectorAll('table, input, select, textarea, img, .card')) {
    const box = el.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) wide.push(el.tagName + '.' + el.className);
  }
  return {scroll: document.scrollingElement.scrollWidth, wide: wide};
}"""


def main(base, out, pages):
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for width in (360, 1280):
            sessions = {}
            for spec in pages:
                role, path = spec.split(":", 1)
                if role not in sessions:
                    ctx = browser.new_context(
                        viewport={"width": width, "height": 800}, base_url=base
                    )
                    page = ctx.new_page()
                    if role != "anon":
                        page.goto("/accounts/login/")
                        page.fill("#id_username", role)
                        page.fill("#id_password", "txng-demo")
                        page.click("button[type=submit]")
                    sessions[role] = page
                page = sessions[role]
                page.goto(path)
                # Lazy images load as a person scrolls; make them load before the photo.
                page.evaluate("window.scrollTo(0, document.body.scrollHeight)")
                page.wait_for_timeout(200)
                page.evaluate("window.scrollTo(0, 0)")
                name = f"{role}{path.replace('/', '_').replace('?', '-')}-{width}.png"
                page.screenshot(path=out / name, full_page=True)
                found = page.evaluate(MEASURE)
                overflow = found["scroll"] - width
                notes = [f"OVERFLOWS BY {overflow}px"] if overflow > 0 else []
                notes += [f"too wide: {', '.join(found['wide'][:3])}"] if found["wide"] else []
                print(out / name, "; ".join(notes))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] or main_pages())
