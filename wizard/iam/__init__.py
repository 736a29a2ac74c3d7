"""IAM trust policies for GitHub's OIDC tokens, read with IAM's documented semantics.

One job per module, so a reader finds each alone:

* `issuer` — which GitHub issues the token (github.com, Enterprise Server, an enterprise's
  unique issuer, GHE.com) and how IAM names it (provider ARN, condition-key prefix).
* `operators` — condition operators and how one value compares under each.
* `document` — reading the JSON document (statements, scalars, actions) and what IAM refuses.
* `request` — the request: claims STS exposes, supplied values, and keys nobody can know.
* `principals` — whose call a statement covers.
* `conditions` — one condition in three values (true, false, cannot tell).
* `evaluate` — statements and the decision; `explain` — the verdict's reason in words.
* `results` — the answer's shape (verdict, statements, conditions).

Pure: no I/O anywhere in this package.
"""
