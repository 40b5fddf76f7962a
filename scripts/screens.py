"""Screenshot the demo as each role would see it, at 360 px and 1280 px.

Usage: .venv/bin/python scripts/screens.py http://127.0.0.1:8000 var/screens [path ...]
Logs in with the demo accounts; pages are given as ROLE:PATH (ROLE "anon" for no login).
"""

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
                name = f"{role}{path.replace('/', '_').replace('?', '-')}-{width}.png"
                page.screenshot(path=out / name, full_page=True)
                overflow = page.evaluate("document.documentElement.scrollWidth") - width
                print(out / name, f"OVERFLOWS BY {overflow}px" if overflow > 0 else "")
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3:] or DEFAULT)
