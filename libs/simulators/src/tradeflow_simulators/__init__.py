"""Simulators of the outside world — a payment service provider (`psp`), a warehouse management
system (`wms`), the carriers' transport management system (`tms`), a marketplace with two shops of
different shapes (`market`) — for local runs, demos and tests.

They stand for systems Tradeflow does not own, so they share no code with the services: they
speak plain HTTP with their own formats, keys and signatures, as the real ones would. What they
share among themselves (signing, webhook delivery, error shape, auto mode) lives at this
package's top.
"""
