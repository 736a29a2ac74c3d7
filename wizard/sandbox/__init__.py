"""Try the wizard with no AWS account and no GitHub token.

`--sandbox` runs every step for real against an AWS emulator (moto) and a simulated GitHub,
both inside this process; a guard refuses any connection beyond 127.0.0.1. moto is imported
only when a sandbox opens (`pip install 'ecr-oidc-wizard[sandbox]'`), and this package's
`__init__` imports nothing, so the CLI can add the flags without paying for any of it.
"""
