"""The payment service's HTTP API (API.md "Payments") and the provider's callback endpoint."""
