"""The full-screen app: one screen per step; screens render and dispatch to the engine."""
