"""Tradeflow's shared contracts: the only code services share about each other."""
