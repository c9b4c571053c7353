"""Signed-in worker clients for the quiz page and API tests."""

import re

from django.test import Client

from gonghui.core.sms import MemorySender


def last_code() -> str:
    return re.search(r"\d{6}", MemorySender.outbox[-1].text).group()


def h5_client(phone: str) -> Client:
    """A phone's browser signed in through the H5 sign-in (phone, then the texted code)."""
    client = Client()
    client.post("/h5/sign-in/", {"phone": phone})
    response = client.post("/h5/sign-in/", {"phone": phone, "code": last_code()})
    assert response.status_code == 302, response.content.decode()[:500]
    return client


def api_client(phone: str) -> Client:
    """A client holding a worker token from the API's sign-in."""
    return Client(headers={"authorization": f"Bearer {worker_token(phone)}"})


def worker_token(phone: str) -> str:
    """A worker token from the API's sign-in (phone, then the texted code)."""
    client = Client()
    assert client.post("/api/v1/quiz/sign-in/code", {"phone": phone},
                       content_type="application/json").status_code == 200  # fmt: skip
    response = client.post("/api/v1/quiz/sign-in", {"phone": phone, "code": last_code()},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 200, response.content
    return response.json()["token"]
