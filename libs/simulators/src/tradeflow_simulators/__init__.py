"""Simulators of the outside world (a payment service provider, …) for local runs, demos and tests.

They stand for systems Tradeflow does not own, so they share no code with the services: they
speak plain HTTP with their own formats, keys and signatures, as the real ones would.
"""
