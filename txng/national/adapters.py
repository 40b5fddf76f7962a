"""One adapter per kind of hub: what a row looks like to it and how it travels there.

A new hub is one class here: `handles` (record types it takes), `payload(row)`, `send(hub, row,
payload)` returning an Outcome, and `check(hub, row)` for hubs that accept asynchronously.
Credentials come from settings.NATIONAL_HUB_CREDENTIALS[code] or the environment
(TXNG_HUB_<CODE>_CLIENT_ID / _CLIENT_SECRET), never from the database."""

import json
import os
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from txng.national import mapping
from txng.national.models import Adapter, Hub, RecordType

TIMEOUT = 20  # seconds; the worker's lease on a row is longer, so no two processes send it at once


@dataclass
class Outcome:
    state: str  # "accepted", "sent" (the hub will answer later), "refused", "failed"
    message: str = ""
    ref: str = ""


def credentials(hub):
    given = getattr(settings, "NATIONAL_HUB_CREDENTIALS", {}).get(hub.code, {})
    prefix = "TXNG_HUB_" + hub.code.upper().replace("-", "_")
    return (
        given.get("client_id") or os.environ.get(prefix + "_CLIENT_ID", ""),
        given.get("client_secret") or os.environ.get(prefix + "_CLIENT_SECRET", ""),
    )


class HttpError(Exception):
    def __init__(self, status, body):
        super().__init__(f"HTTP {status}")
        self.status, self.body = status, body


def _request(url, *, data=None, headers=None, method=None, form=False):
    if data is not None and not form:
        body = json.dumps(data, ensure_ascii=False, default=str).encode()
        headers = {"Content-Type": "application/json", **(headers or {})}
    elif data is not None:
        body = urllib.parse.urlencode(data).encode()
        headers = {"Content-Type": "application/x-www-form-urlencoded", **(headers or {})}
    else:
        body = None
    req = urllib.request.Request(url, data=body, headers=headers or {}, method=method)  # noqa: S310
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310 - configured hub URL
            raw = resp.read(1_000_000)
            return resp.status, dict(resp.headers), raw
    except urllib.error.HTTPError as exc:
        raise HttpError(exc.code, exc.read(100_000).decode(errors="replace")) from None


def _hub_message(body):
    """The portal's own words: integrators read `debugMessage` and `error` from its answers."""
    try:
        data = json.loads(body)
    except ValueError:
        return body[:500]
    if isinstance(data, dict):
        parts = [
            str(data[k]) for k in ("error", "debugMessage", "message", "detail") if data.get(k)
        ]
        if parts:
            return " — ".join(parts)[:500]
    return body[:500]


def _classify(exc):
    """A refusal is about the content (resending it unchanged is pointless); anything else is
    the hub or the network, and is retried."""
    if isinstance(exc, HttpError):
        message = _hub_message(exc.body)
        if exc.status in (400, 404, 409, 422):
            return Outcome("refused", message)
        return Outcome("failed", f"HTTP {exc.status}: {message}")
    return Outcome("failed", str(exc)[:500] or exc.__class__.__name__)


class OAuthClient:
    """OAuth2 client credentials; the token is kept on the Hub row for every worker process."""

    def token(self, hub, *, fresh=False):
        hub.refresh_from_db(fields=["access_token", "token_expires_at"])
        now = timezone.now()
        if not fresh and hub.access_token and hub.token_expires_at and hub.token_expires_at > now:
            return hub.access_token
        client_id, secret = credentials(hub)
        _status, _headers, raw = _request(
            hub.token_url,
            data={
                "grant_type": "client_credentials",
                "client_id": client_id,
                "client_secret": secret,
            },
            form=True,
        )
        answer = json.loads(raw)
        # Renewed a little early so a token never expires between reading it and using it.
        expires = now + timedelta(seconds=max(int(answer.get("expires_in", 300)) - 30, 1))
        Hub.objects.filter(pk=hub.pk).update(
            access_token=answer["access_token"], token_expires_at=expires
        )
        hub.access_token, hub.token_expires_at = answer["access_token"], expires
        return hub.access_token

    def call(self, hub, url, *, data=None, headers=None, method=None):
        if not hub.token_url:
            return _request(url, data=data, headers=headers, method=method)
        for fresh in (False, True):
            auth = {"Authorization": f"Bearer {self.token(hub, fresh=fresh)}", **(headers or {})}
            try:
                return _request(url, data=data, headers=auth, method=method)
            except HttpError as exc:
                if exc.status != 401 or fresh:
                    raise
        raise AssertionError("unreachable")


class NbcPortal(OAuthClient):
    """truyxuatnguongoc.gov.vn. The product path is the one integrators call
    (tochuc/v5/ToChuc_SanPham); the others follow its pattern and are settings."""

    handles = set(RecordType.values)
    PATHS = {
        RecordType.ORGANISATION: "tochuc/v5/ToChuc_HoSo",
        RecordType.PRODUCT: "tochuc/v5/ToChuc_SanPham",
        RecordType.LOT: "chuoi/v5/ChuoiSanXuat",
        RecordType.RECALL: "chuoi/v5/ThuHoi",
    }

    def path(self, record_type):
        return {**self.PATHS, **getattr(settings, "NATIONAL_NBC_PATHS", {})}[record_type]

    def payload(self, row):
        return mapping.nbc_payload(row)

    def send(self, hub, row, payload):
        url = hub.url.rstrip("/") + "/" + self.path(row.record_type)
        try:
            _s, _h, raw = self.call(
                hub, url, data=payload, headers={"Idempotency-Key": row.idempotency_key}
            )
        except (HttpError, OSError) as exc:
            return _classify(exc)
        answer = json.loads(raw or b"{}")
        return Outcome("accepted", ref=str(answer.get("id") or answer.get("txngId") or ""))


class EpcisCapture(OAuthClient):
    """Any EPCIS 2.0 repository: POST {url}/capture, then follow the capture job (202)."""

    handles = {RecordType.LOT}

    def payload(self, row):
        return mapping.epcis_document(row)

    def send(self, hub, row, payload):
        headers = {
            "Idempotency-Key": row.idempotency_key,
            "GS1-EPCIS-Version": "2.0.0",
            "Content-Type": "application/ld+json",
        }
        try:
            _status, resp_headers, _raw = self.call(
                hub, hub.url.rstrip("/") + "/capture", data=payload, headers=headers
            )
        except (HttpError, OSError) as exc:
            return _classify(exc)
        location = resp_headers.get("Location") or resp_headers.get("location") or ""
        return Outcome("sent", ref=location.rsplit("/", 1)[-1])

    def check(self, hub, row):
        try:
            _s, _h, raw = self.call(hub, hub.url.rstrip("/") + "/capture/" + row.hub_ref)
        except (HttpError, OSError) as exc:
            return _classify(exc)
        job = json.loads(raw)
        if job.get("running"):
            return Outcome("sent", ref=row.hub_ref)
        if job.get("success"):
            return Outcome("accepted", ref=row.hub_ref)
        return Outcome("refused", json.dumps(job.get("errors", []), ensure_ascii=False)[:500])


class FileExport:
    """For a hub that takes only uploads by hand: one JSON file per row, named by its key, so
    writing it again after a crash replaces the same file. DOST marks it accepted once uploaded."""

    handles = set(RecordType.values)

    def folder(self, hub):
        root = hub.url or str(Path(settings.MEDIA_ROOT) / "private" / "national")
        return Path(root) / hub.code

    def payload(self, row):
        if row.record_type == RecordType.LOT:
            return mapping.epcis_document(row)
        return mapping.nbc_payload(row)

    def send(self, hub, row, payload):
        folder = self.folder(hub)
        try:
            folder.mkdir(parents=True, exist_ok=True)
            target = folder / f"{row.idempotency_key}.json"
            partial = target.with_suffix(".part")
            partial.write_text(json.dumps(payload, ensure_ascii=False, indent=1, default=str))
            partial.replace(target)  # atomic: a reader never sees half a file
        except OSError as exc:
            return Outcome("failed", str(exc)[:500])
        return Outcome("sent", ref=target.name)

    def check(self, hub, row):
        return Outcome("sent", ref=row.hub_ref)


ADAPTERS = {Adapter.NBC: NbcPortal(), Adapter.EPCIS: EpcisCapture(), Adapter.FILE: FileExport()}


def for_hub(hub):
    return ADAPTERS[hub.adapter]
