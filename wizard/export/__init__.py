"""Infrastructure-as-code export: what `plan` would make or keep, as a CloudFormation template
or a Terraform configuration, built from the same documents the steps send."""
