"""The web app end to end on the real embedded model: submit, wait, read a grounded briefing."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from lxml import html
from test_web_support import ARTICLE, settings_for, wait_for_job

from briefwire.web import create_app

pytestmark = pytest.mark.model


class Borrowed:
    """The session's model, lent to the app: the app closes its backend on shutdown, this one stays."""

    def __init__(self, inner) -> None:
        self._inner = inner

    def __getattr__(self, name):
        return getattr(self._inner, name)

    def close(self) -> None:
        pass


def test_api_and_page_with_the_real_model(tmp_path, embedded_backend):
    settings = settings_for(
        tmp_path,
        backend_factory=lambda: Borrowed(embedded_backend),
        backend_identity=(embedded_backend.name, embedded_backend.model),
        brief_fn=None,  # the real pipeline
    )
    with TestClient(create_app(settings)) as client:
        body = {"text": ARTICLE, "sections": ["headline", "key_points"], "seed": 3}
        submitted = client.post("/api/briefings", json=body)
        assert submitted.status_code == 202
        job = wait_for_job(client, submitted.json()["id"], timeout=600)
        assert job["status"] == "done", job
        briefing = client.get(f"/api/briefings/{job['briefing_id']}").json()
        assert briefing["run"]["backend"] == "embedded"
        assert briefing["headline"] and 3 <= len(briefing["key_points"]) <= 5
        assert briefing["claims"] and briefing["grounding"]["checked"] == len(briefing["claims"])
        page = html.fromstring(client.get(f"/briefings/{job['briefing_id']}").text)
        claims = page.find_class("claim")
        assert len(claims) >= len(briefing["key_points"])
