"""Prometheus metrics: request counts and latencies, and each projection's lag, read at
scrape time so that they never go stale."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from api.runtime import Runtime


class ProjectionCollector(Collector):
    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def collect(self) -> Iterator[GaugeMetricFamily]:
        head = self.runtime.app.recorder.max_notification_id() or 0
        position = GaugeMetricFamily(
            "nuanxin_projection_position", "Last event applied to the view", labels=["view"]
        )
        lag = GaugeMetricFamily(
            "nuanxin_projection_lag_events", "Events not yet applied to the view", labels=["view"]
        )
        for name, projection in self.runtime.projections.items():
            at = projection.view.max_tracking_id(self.runtime.app.name) or 0
            position.add_metric([name], at)
            lag.add_metric([name], max(head - at, 0))
        log = GaugeMetricFamily("nuanxin_event_log_position", "Newest event in the log")
        log.add_metric([], head)
        yield from (position, lag, log)


class Metrics:
    """One registry per service instance, so that tests and workers do not share counters."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "nuanxin_http_requests",
            "HTTP requests answered",
            ["method", "route", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "nuanxin_http_request_seconds",
            "Time to answer an HTTP request",
            ["method", "route"],
            registry=self.registry,
        )

    def watch(self, runtime: Runtime) -> None:
        self.registry.register(ProjectionCollector(runtime))
