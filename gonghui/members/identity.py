"""Who a worker is on the H5 pages: a session that proves a phone, and the worker of the
register it matches. The session holds the phone's blind index and its ciphertext, never
the number in plain text (sessions live in the database, or in Redis when scaled out)."""

from __future__ import annotations

import base64
import functools
from dataclasses import dataclass
from urllib.parse import urlencode

from django.conf import settings
from django.core import signing
from django.shortcuts import redirect
from django.urls import reverse

from gonghui.core.crypto import decrypt, encrypt
from gonghui.members.models import Worker
from gonghui.members.services.identity import worker_for_phone_index

SESSION_KEY = "worker_identity"
QR_SALT = "gonghui.members.worker-qr"
QR_MAX_AGE = 15 * 60  # a screenshot of the code stops working soon


@dataclass(frozen=True)
class WorkerIdentity:
    phone_index: str
    phone_token: str  # base64 of the phone's ciphertext
    worker_id: int | None

    @property
    def phone(self) -> str:
        """The plain number, for the services that need it (registering on the spot)."""
        return decrypt("phone", base64.b64decode(self.phone_token))

    def worker(self) -> Worker | None:
        if self.worker_id is None:
            return None
        return Worker.objects.select_related("org", "employer").filter(pk=self.worker_id).first()


def sign_in(request, *, phone: str, phone_index: str) -> WorkerIdentity:
    request.session.cycle_key()  # a new session id on sign-in: no fixation
    worker = worker_for_phone_index(phone_index)
    identity = WorkerIdentity(
        phone_index,
        base64.b64encode(encrypt("phone", phone)).decode(),
        worker.pk if worker else None,
    )
    request.session[SESSION_KEY] = {
        "pi": identity.phone_index,
        "pt": identity.phone_token,
        "w": identity.worker_id,
    }
    request.session.set_expiry(settings.WORKER_SESSION_DAYS * 86400)
    return identity


def refresh(request, identity: WorkerIdentity) -> WorkerIdentity:
    """Match the phone to the register again (after registering on the spot, say)."""
    worker = worker_for_phone_index(identity.phone_index)
    fresh = WorkerIdentity(
        identity.phone_index, identity.phone_token, worker.pk if worker else None
    )
    request.session[SESSION_KEY] = {
        "pi": fresh.phone_index,
        "pt": fresh.phone_token,
        "w": fresh.worker_id,
    }
    return fresh


def sign_out(request) -> None:
    request.session.pop(SESSION_KEY, None)


def current_identity(request) -> WorkerIdentity | None:
    data = request.session.get(SESSION_KEY)
    if not data:
        return None
    return WorkerIdentity(data["pi"], data["pt"], data.get("w"))


def worker_required(view):
    """An H5 view for a signed-in worker; others go to the sign-in page and come back."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        identity = current_identity(request)
        if identity is None:
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse('members_h5:sign_in')}?{query}")
        request.worker_identity = identity
        return view(request, *args, **kwargs)

    return wrapper


def worker_qr_token(worker: Worker) -> str:
    """What the worker's personal QR code carries: signed, and good for a few minutes."""
    return signing.dumps({"w": worker.pk}, salt=QR_SALT, compress=True)


def worker_id_from_qr(token: str) -> int | None:
    try:
        return int(signing.loads(token, salt=QR_SALT, max_age=QR_MAX_AGE)["w"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        return None
