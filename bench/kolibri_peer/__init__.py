"""Kolibri's side of `make bench-peers` (bench/peers.py). Imported only by Kolibri's own
Python (var/kolibri-venv, Django 3.2 vendored by Kolibri), never by Qadam's."""
