"""Kiosk launcher: Chromium locked on the hall display or tablet app, restarted if it dies."""
