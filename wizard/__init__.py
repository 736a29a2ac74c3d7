"""ecr-oidc-wizard: GitHub Actions to Amazon ECR with OIDC, no long-lived keys.

The engine lives in this package and imports no UI toolkit: the CLI, the plain prompts and the
full-screen app are faces of it.
"""

__version__ = "0.1.0"
