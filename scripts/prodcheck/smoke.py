"""The smoke walk of scripts/production-check.sh, through the reverse proxy over HTTPS (the
check's self-signed certificate is the trust anchor): health, login, a diary entry with a photo
(an event captured and published on the lot's public page and the trace API, its photo stored
in the S3 bucket), a consumer scan, the print file download (read back from the bucket).

`replica` mode, with the replica's replay paused: a user who has just written reads it back
(from the primary), while an anonymous reader is served by the replica, which has not seen it.

usage: smoke.py walk|replica BASE_URL CA_FILE STATE_JSON PASSWORD
Exits non-zero at the first step that fails."""

import html
import io
import json
import re
import ssl
import sys
import time
import uuid
from http.cookiejar import CookieJar
from urllib.error import HTTPError
from urllib.request import HTTPCookieProcessor, HTTPSHandler, Request, build_opener

from PIL import Image

MODE, BASE, CA_FILE, STATE, PASSWORD = sys.argv[1:6]
with open(STATE) as f:
    state = json.load(f)


def new_opener():
    return build_opener(
        HTTPSHandler(context=ssl.create_default_context(cafile=CA_FILE)),
        HTTPCookieProcessor(CookieJar()),
    )


opener = new_opener()


def step(name, ok, detail=""):
    print(f"  {'ok  ' if ok else 'FAIL'} {name} {detail}".rstrip(), flush=True)
    if not ok:
        sys.exit(1)


def fetch(path, data=None, headers=None):
    # BASE is the check's https:// proxy, never a file: URL.
    headers = {"Referer": BASE + "/", **(headers or {})}
    request = Request(BASE + path, data=data, headers=headers)  # noqa: S310
    started = time.monotonic()
    try:
        response = opener.open(request, timeout=30)
        body, status, final = response.read(), response.status, response.url
    except HTTPError as exc:
        body, status, final = exc.read(), exc.code, path
    return status, body, final, (time.monotonic() - started) * 1000


def csrf(body):
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
    return found.group(1).decode()


def form(fields):
    return "&".join(f"{k}={quote(v)}" for k, v in fields.items()).encode()


def quote(value):
    from urllib.parse import quote_plus

    return quote_plus(str(value))


def multipart(fields, files):
    boundary = uuid.uuid4().hex
    out = io.BytesIO()
    for name, value in fields.items():
        out.write(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
        out.write(f"{value}\r\n".encode())
    for name, (filename, content, kind) in files.items():
        out.write(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: {kind}\r\n\r\n'.encode()
        )
        out.write(content + b"\r\n")
    out.write(f"--{boundary}--\r\n".encode())
    return out.getvalue(), f"multipart/form-data; boundary={boundary}"


def login():
    status, body, _, _ = fetch("/accounts/login/")
    token = csrf(body)
    status, body, final, ms = fetch(
        "/accounts/login/",
        form({"csrfmiddlewaretoken": token, "username": state["username"], "password": PASSWORD}),
    )
    step("login", status == 200 and "/accounts/login" not in final, f"{status} {final} {ms:.0f} ms")


def capture():
    status, body, _, _ = fetch(f"/lo-hang/{state['lot']}/")
    step("the lot page opens", status == 200, str(status))
    token = csrf(body)
    photo = io.BytesIO()
    Image.new("RGB", (64, 48), (20, 120, 60)).save(photo, "JPEG")
    marker = f"Kiem tra {uuid.uuid4().hex[:8]}"
    data, kind = multipart(
        {
            "csrfmiddlewaretoken": token,
            "diary-stage_kind": "care",
            "diary-stage_name": marker,
            "diary-time": time.strftime("%Y-%m-%dT%H:%M", time.localtime(time.time() - 3600)),
            "diary-person": "Kiểm tra vận hành",
        },
        {"diary-photo": ("kiem-tra.jpg", photo.getvalue(), "image/jpeg")},
    )
    status, body, final, ms = fetch(
        f"/lo-hang/{state['lot']}/nhat-ky/", data, {"Content-Type": kind}
    )
    saved = status == 200 and final.rstrip("/").endswith(f"/lo-hang/{state['lot']}")
    errors = re.findall(rb'class="(?:errorlist|field-error)[^"]*">(.*?)</', body)
    step("capture: a diary entry with a photo", saved, f"{status} {final} {ms:.0f} ms {errors}")

    return marker


def walk():
    status, body, _, ms = fetch("/healthz")
    step("GET /healthz", status == 200 and b'"ok"' in body, f"{status} {ms:.0f} ms")

    login()
    marker = capture()
    status, body, _, ms = fetch(f"/api/v1/trace/{state['trace_code']}?depth=1")
    step(
        "the trace API shows the captured event",
        status == 200 and marker in body.decode(),
        f"{ms:.0f} ms",
    )

    status, body, _, ms = fetch(f"/truy-xuat/{state['trace_code']}/")
    text = html.unescape(body.decode())
    step(
        "publish: the lot's public page shows it", status == 200 and marker in text, f"{ms:.0f} ms"
    )
    photo_urls = re.findall(r'src="([^"]*media/public/[^"]+)"', text)
    if photo_urls:
        status, body, _, ms = fetch(photo_urls[-1].replace(BASE, ""))
        step(
            "the public photo is served from the bucket through the proxy",
            status == 200,
            photo_urls[-1],
        )

    status, body, _, ms = fetch(
        f"/q/{state['stamp_code']}",
        headers={"User-Agent": "Mozilla/5.0 (Linux; Android 14) Chrome/126.0 Mobile"},
    )
    step("scan: the consumer page of a stamp", status == 200, f"{ms:.0f} ms")

    status, body, _, ms = fetch(f"/manage/stamps/{state['order']}/download/pdf/")
    step(
        "download: the print order's PDF from the bucket",
        status == 200 and body[:4] == b"%PDF",
        f"{len(body)} bytes {ms:.0f} ms",
    )
    print("smoke walk: all steps passed")


def replica():
    global opener
    login()
    marker = capture()
    status, body, _, _ = fetch(f"/lo-hang/{state['lot']}/")
    step("read-your-writes: the writer reads the entry back", marker in body.decode(), str(status))
    opener = new_opener()
    status, body, _, _ = fetch(f"/ho-chieu-so/lo/{state['trace_code']}/")
    step(
        "an anonymous read is served by the paused replica (the entry not there yet)",
        status == 200 and marker not in body.decode(),
        str(status),
    )
    # A page kept in the cache is rebuilt once the write moved its version, and rebuilt from
    # the primary: built from the lagging replica, the old page would be kept as the new one.
    status, body, _, _ = fetch(f"/api/v1/trace/{state['trace_code']}?depth=1")
    step(
        "a kept page rebuilt after the write reads the primary (the entry there)",
        status == 200 and marker in body.decode(),
        str(status),
    )
    print("replica routing: proved")


{"walk": walk, "replica": replica}[MODE]()
