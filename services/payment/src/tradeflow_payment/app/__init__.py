"""Use cases of the payment service (one per module) and its message handlers."""
