"""The payment domain: an order's payable, its payment attempts and refunds (pure, no I/O)."""
