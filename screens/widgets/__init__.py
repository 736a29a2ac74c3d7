"""Reusable widgets: navigator, policy preview, plan view, guidance panel."""
