"""Off-topic checks: sentences whose subject matter does not belong to the article."""
