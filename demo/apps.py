from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo facilities, people, courses and kiosks for trying Qadam (``seed_demo``,
    ``kiosk_demo``). No models and no pages of its own; refused with production
    settings."""

    name = "demo"
