-- Equivalent pairs are recomputed for every article on each load (the FX rates may have changed).
DELETE FROM core.figure_pairs
