"""Breeding and germplasm numerics on NumPy arrays: pedigrees, inbreeding, evaluation, mating.

No I/O and no database: the services read the projections and hand arrays to these modules.
"""
