"""Warm pools: what Voilà keeps about a pooled request is dropped once its kernel ends."""

from __future__ import annotations

from voila.request_info_handler import RequestInfoSocketHandler

from explainer.serving.app import forget_ended_requests


def test_request_info_of_ended_kernels_is_forgotten(monkeypatch):
    cache = {"live-1": {"QUERY_STRING": "step=5"}, "ended-1": {"QUERY_STRING": ""},
             "ended-2": {"QUERY_STRING": "x"}}
    monkeypatch.setattr(RequestInfoSocketHandler, "_cache", cache)
    assert forget_ended_requests(["live-1", "live-2"]) == 2
    assert cache == {"live-1": {"QUERY_STRING": "step=5"}}  # a live kernel may still read it
    assert forget_ended_requests(iter(["live-1"])) == 0
    assert forget_ended_requests([]) == 1 and cache == {}
