"""`make bench-peers` (bench/peers.py): what it sends Kolibri, how it divides, what it
writes. The loads themselves need wrk, PostgreSQL and Kolibri's own virtualenv and are
not run here."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def peers(monkeypatch, tmp_path):
    # bench.run sets DJANGO_SETTINGS_MODULE for its own processes when imported:
    # monkeypatch puts this session's value back afterwards.
    monkeypatch.setenv("DJANGO_SETTINGS_MODULE", os.environ["DJANGO_SETTINGS_MODULE"])
    from bench import peers

    monkeypatch.setattr(peers, "RESULTS", tmp_path)
    return peers


PEER = {
    "channel_id": "c" * 32,
    "resources": [{"id": f"{n:032x}", "content_id": f"{n + 100:032x}"} for n in range(20)],
}


def side(bare, floor, opened, select_insert, write):
    return {
        "bare": {"rps": bare},
        "floor": {"rps": floor},
        "open": {"rps": opened},
        "select_insert": {"rps": select_insert},
        "write": {"rps": write},
    }


def test_a_kolibri_opening_is_its_seven_requests_in_the_learn_pages_order(peers):
    requests = peers.open_requests(PEER)
    assert [(method, path.split("?")[0]) for method, path, _ in requests] == [
        ("GET", "/en/learn/"),
        ("PUT", "/api/auth/session/current/"),
        ("GET", "/learn/api/state"),
        ("GET", f"/api/content/contentnode/{PEER['resources'][10]['id']}/"),
        ("GET", "/api/content/channel/"),
        ("GET", "/api/bookmarks/bookmarks/"),
        ("POST", "/api/logger/trackprogress/"),
    ]
    assert len(requests) == peers.OPEN_REQUESTS
    started = json.loads(requests[-1][2])
    assert started == {
        "node_id": PEER["resources"][10]["id"],
        "content_id": PEER["resources"][10]["content_id"],
        "channel_id": PEER["channel_id"],
        "kind": "html5",
    }
    script = peers.open_script(requests, "kolibri=abc").read_text()
    positions = [script.index(json.dumps(path)) for _, path, _ in requests]
    assert positions == sorted(positions)
    assert f'"kolibri=abc; kolibri_csrftoken={peers.CSRF}"' in script


def test_progress_writes_go_to_each_learners_own_session(peers):
    script = peers.write_script(["kolibri=a", "kolibri=b"], ["s1", "s2"]).read_text()
    assert '"kolibri=a; kolibri_csrftoken=' in script
    assert re.search(r'kolibri=a; [^"]*", "/api/logger/trackprogress/s1/"', script)
    assert re.search(r'kolibri=b; [^"]*", "/api/logger/trackprogress/s2/"', script)
    assert '"time_spent_delta": 5' in script


def test_each_side_is_divided_by_its_own_baselines_and_an_opening_by_its_requests(peers):
    kolibri = peers.ratios(side(500, 250, 70, 400, 100), peers.OPEN_REQUESTS)
    assert kolibri == {"signed_in_floor": 0.5, "open": 0.02, "progress_write": 0.25}
    qadam = peers.ratios(side(1000, 400, 150, 300, 200), 1)
    assert qadam == {"signed_in_floor": 0.4, "open": 0.15, "progress_write": 0.667}


def test_the_report_replaces_only_the_peers_table(peers, monkeypatch, tmp_path):
    (tmp_path / "bench").mkdir()
    readme = tmp_path / "bench" / "README.md"
    readme.write_text("before\n<!-- peers:start -->\nold table\n<!-- peers:end -->\nafter\n")
    monkeypatch.setattr(peers, "ROOT", tmp_path)
    rounds = [
        {"qadam": side(1000, 400, 150, 300, 200), "kolibri": side(500, 250, 70, 400, 100)},
        {"qadam": side(900, 400, 150, 300, 200), "kolibri": side(500, 250, 140, 400, 100)},
    ]
    result = {
        "date": "2026-12-04 20:00 UTC",
        "machine": "2 cores",
        "commit": "abc1234",
        "kolibri_version": "0.19.5",
        "seconds_per_load": 3,
        "load_average_before": "3.0 2.0 1.0",
        "load_average_after": "4.0 3.0 2.0",
        "busy_note": " (a busy shared machine)",
        "rounds": rounds,
        "ratios": [
            {"qadam": peers.ratios(r["qadam"], 1), "kolibri": peers.ratios(r["kolibri"], 7)}
            for r in rounds
        ],
    }
    peers.write_report(result)
    text = readme.read_text()
    assert text.startswith("before\n<!-- peers:start -->\nRun 2026-12-04 20:00 UTC")
    assert text.endswith("<!-- peers:end -->\nafter\n")
    assert "old table" not in text
    opening = next(line for line in text.splitlines() if line.startswith("| a learner opening"))
    cells = [cell.strip() for cell in opening.split("|")[1:-1]]
    assert cells[1].startswith("0.150-0.167 (150.0 pages/s)")
    assert cells[2].startswith("0.020-0.040 (15.0 opens/s, 7 requests)")
    assert "a busy shared machine" in text
    assert (tmp_path / "peers.md").read_text() in text
    assert json.loads((tmp_path / "peers.json").read_text())["commit"] == "abc1234"


def test_kolibri_is_pinned_to_one_version_with_hashes():
    pins = (ROOT / "requirements" / "kolibri.txt").read_text()
    assert re.search(r"^kolibri==0\.19\.5 \\$\n\s+--hash=sha256:[0-9a-f]{64}", pins, re.M)
    for requirement in re.findall(r"^(\S+==\S+) \\$", pins, re.M):
        assert re.search(rf"^{re.escape(requirement)} \\$\n\s+--hash=", pins, re.M)
