"""Figures for the people who run and fund the programme: read-only, imported by nothing."""
