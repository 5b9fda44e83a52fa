"""Gladly: reports (`POST /api/v1/reports`) and work-session events, as CSV."""
