"""/metrics: what an operator's Prometheus scrapes."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.steps import register_family


def test_metrics_count_requests_and_show_each_views_lag(
    client: TestClient, caseworker: dict[str, str]
) -> None:
    family = register_family(client, caseworker)
    client.get(f"/api/v1/families/{family['id']}/timeline", headers=caseworker)  # caught up

    response = client.get("/metrics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    lines = response.text.splitlines()
    assert any(
        line.startswith("nuanxin_http_requests_total{") and 'status="201"' in line for line in lines
    )
    assert 'nuanxin_projection_lag_events{view="timeline"} 0.0' in lines
    assert not any(line.startswith("nuanxin_event_log_position 0") for line in lines)
    assert any(line.startswith('nuanxin_projection_position{view="ledger"}') for line in lines)
