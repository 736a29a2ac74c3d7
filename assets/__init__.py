"""Stylesheets of the full-screen app (Textual CSS), shipped with the package."""
